// Shell completion (issue 11 item 9): `rayts autocomplete` writes the scripts into the
// cache folder; bash's is driven here by real bash, the way a TAB calls it.
import test from 'ava'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, tempCli} from './helpers.js'

/** What bash offers for the words typed so far (the last word is the one being completed). */
function complete(script: string, cwd: string, words: string[]): string[] {
  const driver = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _rayts_autocomplete; printf "%s\\n" "${COMPREPLY[@]}"'
  const out = execFileSync('bash', ['-c', driver, 'complete', script, 'rayts', ...words], {cwd, encoding: 'utf8'})
  return out.split('\n').filter((l) => l !== '').sort()
}

test.serial('rayts autocomplete bash: commands once each, flags after arguments, graph files, flag values', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['autocomplete', 'bash'])
  t.is(r.exitCode, 0, String(r.stderr))
  const script = join(base, 'cache', 'autocomplete', 'functions', 'bash', 'rayts.bash')
  t.regex(readFileSync(script, 'utf8'), /^# rayts bash completion/)
  t.regex(readFileSync(join(base, 'cache', 'autocomplete', 'bash_setup'), 'utf8'), /rayts\.bash/)

  const top = complete(script, ROOT, [''])
  t.is(top.filter((w) => w === 'bench').length, 1)
  for (const c of ['run', 'submit', 'wait', 'get', 'rm', 'prune', 'cluster', 'help']) t.true(top.includes(c), c)
  t.deepEqual(complete(script, ROOT, ['b']), ['bench'])
  t.deepEqual(complete(script, ROOT, ['bench', '']), ['dag', 'granularity', 'overhead'])
  t.deepEqual(complete(script, ROOT, ['cluster', 'st']), ['status'])

  // flags after the graph argument (and after other flags)
  const runFlags = complete(script, ROOT, ['run', 'graphs/arrays.yaml', '--'])
  for (const f of ['--set', '--num-returns', '--timeout', '--json', '--resume']) t.true(runFlags.includes(f), f)
  t.false(runFlags.includes('--run-id'), 'hidden flags stay hidden')
  t.deepEqual(complete(script, ROOT, ['run', '--set', 'a=1', 'graphs/arrays.yaml', '--num-c']), ['--num-cpus'])
  t.deepEqual(complete(script, ROOT, ['bench', 'dag', '--sh']), ['--shapes'])

  // graph files: folders and YAML only
  const dir = join(base, 'work')
  mkdirSync(join(dir, 'sub'), {recursive: true})
  for (const f of ['a.yaml', 'b.yml', 'notes.txt', 'module.mjs']) writeFileSync(join(dir, f), '')
  t.deepEqual(complete(script, dir, ['run', '']), ['a.yaml', 'b.yml', 'sub'])
  t.deepEqual(complete(script, dir, ['validate', 'a.yaml', '']), ['a.yaml', 'b.yml', 'sub'])
  t.deepEqual(complete(script, ROOT, ['graph', 'graphs/arr']), ['graphs/arrays-wait.yaml', 'graphs/arrays.yaml'])
  // a flag's value: its options, else any file
  t.deepEqual(complete(script, ROOT, ['graph', 'x.yaml', '--format', '']), ['dot', 'json', 'mermaid'])
  t.deepEqual(complete(script, ROOT, ['graph', 'x.yaml', '-f', 'm']), ['mermaid'])
  t.deepEqual(complete(script, dir, ['run', 'a.yaml', '--timeline', '']), ['a.yaml', 'b.yml', 'module.mjs', 'notes.txt', 'sub'])
  // run ids: last; wait also takes a graph file
  t.deepEqual(complete(script, dir, ['status', '']), ['last'])
  t.deepEqual(complete(script, dir, ['wait', '']), ['a.yaml', 'b.yml', 'last', 'sub'])
})

test.serial('rayts autocomplete zsh: the bench topic once, files and flags after arguments', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['autocomplete', 'zsh'])
  t.is(r.exitCode, 0, String(r.stderr))
  const zsh = readFileSync(join(base, 'cache', 'autocomplete', 'functions', 'zsh', '_rayts'), 'utf8')
  const topLevel = zsh.slice(zsh.indexOf('_rayts() {'))
  t.is(topLevel.match(/"bench\[/g)?.length, 1)
  const run = topLevel.slice(topLevel.indexOf('\nrun)'), topLevel.indexOf(';;', topLevel.indexOf('\nrun)')))
  t.regex(run, /_arguments -S/)
  t.regex(run, /--set"\[/)
  t.regex(run, /"\*: :_files"/)
})
