// The renderer and the colour level, chosen once per command (like listr2 and Nx).
import {Chalk, type ChalkInstance} from 'chalk'

export type Renderer = 'ink' | 'plain' | 'json'

type Env = Readonly<Record<string, string | undefined>>

/** like Ink's is-in-ci: set, and not "0" or "false" */
function isSet(env: Env, key: string): boolean {
  const v = env[key]
  return v !== undefined && v !== '0' && v !== 'false'
}

function isCi(env: Env): boolean {
  return isSet(env, 'CI') || isSet(env, 'CONTINUOUS_INTEGRATION')
}

/**
 * `json` when asked; the live Ink UI only when stderr is a terminal, not in CI and `TERM`
 * is not `dumb`; otherwise plain lines.
 */
export function chooseRenderer(opts: {readonly json: boolean; readonly stderr: {readonly isTTY?: boolean}; readonly env: Env}): Renderer {
  if (opts.json) return 'json'
  if (opts.stderr.isTTY === true && !isCi(opts.env) && opts.env.TERM !== 'dumb') return 'ink'
  return 'plain'
}

/**
 * Colour on stderr: off with `--no-color` (flag false), a non-empty `NO_COLOR`, `TERM=dumb`,
 * or a stream that is not a terminal (unless `FORCE_COLOR` asks for it; `FORCE_COLOR=0` turns it off).
 */
export function wantColor(opts: {readonly flag?: boolean; readonly stream: {readonly isTTY?: boolean}; readonly env: Env}): boolean {
  const {env} = opts
  if (opts.flag === false) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.TERM === 'dumb') return false
  return opts.stream.isTTY === true
}

/** a chalk that colours exactly when `color` (chalk alone ignores NO_COLOR) */
export function makeChalk(color: boolean): ChalkInstance {
  return new Chalk({level: color ? 1 : 0})
}
