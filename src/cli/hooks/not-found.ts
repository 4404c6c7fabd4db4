// An unknown command: name the closest ones and exit 2, like any usage error. Nothing
// is asked, on a terminal or not: @oclif/plugin-not-found's prompt would offer to run
// its one guess, and for `rn` that may be `rm`.
import {type Hook, toConfiguredId} from '@oclif/core'
import {editDistance} from '../../graph/validate/suggest.js'
import {UsageError} from '../../core/usage-error.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  // `rayts rn x.yaml` arrives as the id `rn:x.yaml`: the longest run of words close to a command
  const words = opts.id.split(':')
  let typed = words[0]!
  let guesses: string[] = []
  for (let n = words.length; n > 0 && guesses.length === 0; n--) {
    guesses = nearest(words.slice(0, n).join(':'), ids)
    if (guesses.length > 0) typed = words.slice(0, n).join(':')
  }
  const named = guesses.map((g) => `"${toConfiguredId(g, opts.config)}"`)
  throw new UsageError(
    `"${toConfiguredId(typed, opts.config)}" is not a ${opts.config.bin} command.` +
      (named.length === 0 ? '' : ` Did you mean ${named.slice(0, -1).join(', ')}${named.length > 1 ? ' or ' : ''}${named.at(-1)}?`) +
      ` See: ${opts.config.bin} help`,
  )
}

/** The ids at the smallest edit distance from `word`, when it is close enough to be a typo. */
function nearest(word: string, ids: readonly string[]): string[] {
  const max = Math.max(1, Math.floor(word.length / 3))
  const scored = ids.map((id) => ({id, d: editDistance(word.toLowerCase(), id.toLowerCase(), max)})).filter((s) => s.d <= max)
  const best = Math.min(...scored.map((s) => s.d)) // eslint-disable-line no-restricted-syntax -- bounded: one per command
  return scored.filter((s) => s.d === best).map((s) => s.id).sort()
}

export default hook
