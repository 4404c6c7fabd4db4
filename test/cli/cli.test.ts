// The command line's contract: repeatable flags, help, suggestions, short flags and
// the one error style (issue 11 items 6 and 8), through the real CLI.
import test from 'ava'
import type {Command} from '@oclif/core'
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {hasStackOrOtherStyle, ROOT, tempCli} from './helpers.js'

const ECHO = `version: 1
name: echo
defaults: { max_retries: 2 }
tasks:
  hi: { cmd: 'echo hi' }
outputs: [hi]
`

function echoGraph(base: string): string {
  mkdirSync(join(base, 'g'), {recursive: true})
  const file = join(base, 'g', 'echo.yaml')
  writeFileSync(file, ECHO)
  return file
}

test.serial('--set before the GRAPH file takes one value: the file stays the argument, and --set repeats', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const file = echoGraph(base)
  const run = await cli(['run', '--set', 'defaults.max_retries=0', '--set', 'tasks.hi.timeout=5s', file, '--json'])
  t.is(run.exitCode, 0, String(run.stderr))
  t.deepEqual(JSON.parse(String(run.stdout).split('\n')[0]!).value, 'hi')

  const graph = await cli(['graph', '--set', 'defaults.max_retries=0', '--set', 'tasks.hi.timeout=7s', file, '--format', 'json'])
  t.is(graph.exitCode, 0, String(graph.stderr))
  const options = (JSON.parse(String(graph.stdout)) as {tasks: {options: {maxRetries: number; timeout: number}}[]}).tasks[0]!.options
  t.is(options.maxRetries, 0)
  t.is(options.timeout, 7)

  const validate = await cli(['validate', '--set', 'tasks.hi.timeout=1s', file, file])
  t.is(validate.exitCode, 0, String(validate.stderr))
  t.is(String(validate.stdout).split('\n').length, 2)
})

/** Every rayts command class, from the sources (oclif's manifest leaves out multipleNonGreedy). */
async function commandClasses(): Promise<{id: string; flags: Record<string, Command.Flag.Any>}[]> {
  const dir = join(ROOT, 'commands')
  const files = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.ts'))
  return Promise.all(
    files.map(async (f) => {
      const cls = (await import(pathToFileURL(join(dir, f)).href)).default as {flags?: Record<string, Command.Flag.Any>}
      return {id: f.replace(/\.ts$/, '').replaceAll('/', ':'), flags: cls.flags ?? {}}
    }),
  )
}

test('every repeatable flag of every command takes one value per use', async (t) => {
  const commands = await commandClasses()
  t.true(commands.length >= 15)
  const greedy = commands.flatMap((c) =>
    Object.entries(c.flags)
      .filter(([, f]) => f.type === 'option' && f.multiple && !(f as {multipleNonGreedy?: boolean}).multipleNonGreedy)
      .map(([name]) => `${c.id} --${name}`),
  )
  t.deepEqual(greedy, [])
})

test('a short letter means the same flag in every rayts command', async (t) => {
  const commands = await commandClasses()
  const byChar = new Map<string, Set<string>>()
  for (const c of commands) {
    for (const [name, f] of Object.entries(c.flags)) {
      if (!f.char) continue
      if (!byChar.has(f.char)) byChar.set(f.char, new Set())
      byChar.get(f.char)!.add(name)
    }
  }
  const meanings = Object.fromEntries([...byChar].map(([char, names]) => [char, [...names].sort()]))
  // -f is --follow where a command follows, --format where it draws
  t.deepEqual(meanings, {n: ['num-returns'], t: ['timeout'], f: ['follow', 'format'], o: ['output']})
  const followers = commands.filter((c) => c.flags.follow)
  t.true(followers.every((c) => !c.flags.format), 'no command has both --follow and --format')
})

test.serial('run -n and wait -n are the same flag: a bad value names --num-returns, exit 2', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const file = echoGraph(base)
  const run = await cli(['run', file, '-n', '0'])
  t.is(run.exitCode, 2)
  t.is(String(run.stderr), 'Error: --num-returns must be greater than 0, got 0')
  const runText = await cli(['run', file, '-n', 'two'])
  t.is(runText.exitCode, 2)
  t.regex(String(runText.stderr), /^Error: --num-returns: Expected an integer but received: two\nSee: rayts run --help$/)
  const ok = await cli(['run', file, '-n', '1', '-t', '5s', '--json'])
  t.is(ok.exitCode, 0, String(ok.stderr))
})

test.serial('rayts help, rayts help run', async (t) => {
  t.timeout(600_000)
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const all = await cli(['help'])
  t.is(all.exitCode, 0, String(all.stderr))
  for (const c of ['run', 'submit', 'wait', 'rm', 'prune', 'bench']) t.regex(String(all.stdout), new RegExp(`^  ${c} `, 'm'))
  const run = await cli(['help', 'run'])
  t.is(run.exitCode, 0)
  t.regex(String(run.stdout), /USAGE\n {2}\$ rayts run/)
})

test.serial('an unknown command names the closest one, asks nothing off a terminal, exit 2', async (t) => {
  t.timeout(600_000)
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['rn', 'x.yaml'])
  t.is(r.exitCode, 2)
  t.is(String(r.stderr), 'Error: "rn" is not a rayts command. Did you mean "rm" or "run"? See: rayts help')
  const topic = await cli(['bench', 'dg'])
  t.is(topic.exitCode, 2)
  t.regex(String(topic.stderr), /Did you mean "bench dag"\?/)
  const far = await cli(['zzzzzz'])
  t.is(String(far.stderr), 'Error: "zzzzzz" is not a rayts command. See: rayts help')
  // a terminal in CI: still no prompt
  const ci = await cli(['rn'], {CI: 'true'})
  t.is(ci.exitCode, 2)
})

test.serial('graph with no GRAPH: which argument is missing, no note about --set', async (t) => {
  t.timeout(600_000)
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['graph'])
  t.is(r.exitCode, 2)
  t.is(String(r.stderr), 'Error: Missing 1 required arg:\ngraph  graph file (YAML)\nSee: rayts graph --help')
  t.notRegex(String(r.stderr), /Note|multiple/)
})

/** One user error per kind of source: oclif's parser, a flag's own check, the store, a command's own check, a plugin. */
const USER_ERRORS: {args: string[]; exit: number; stderr: RegExp}[] = [
  {args: ['run', '--nope'], exit: 2, stderr: /^Error: Nonexistent flag: --nope\nSee: rayts run --help$/},
  {args: ['run', 'graphs/arrays.yaml', '--timeout', 'soon'], exit: 2, stderr: /^Error: --timeout: expected a duration/},
  {args: ['submit', 'graphs/arrays.yaml', '--resources', 'gpu'], exit: 2, stderr: /^Error: --resources: expected name=N/},
  {args: ['run', 'graphs/arrays.yaml', '--num-cpus', '-1'], exit: 2, stderr: /^Error: --num-cpus: expected a number greater than 0, got "-1"/},
  {args: ['run'], exit: 2, stderr: /^Error: a GRAPH file \(or --resume RUN\) is required$/},
  {args: ['status', 'nosuchrun'], exit: 2, stderr: /^Error: no run nosuchrun in \S+ \(see: rayts list\)$/},
  {args: ['timeline', 'nosuchrun', '-o', 'x.json'], exit: 2, stderr: /^Error: no run nosuchrun in /},
  {args: ['get', 'last', '--timeout', 'xyz'], exit: 2, stderr: /^Error: --timeout: expected a duration/},
  {args: ['wait', 'last', 'a', 'a'], exit: 2, stderr: /^Error: Wait requires a list of unique refs/},
  {args: ['submit', 'test/fixtures/bad/self-cycle.yaml'], exit: 2, stderr: /^test\/fixtures\/bad\/self-cycle.yaml:4:26: cycle: a -> a$/},
  {args: ['bench', 'dag', '--shapes', 'round'], exit: 2, stderr: /^Error: /},
  {args: ['worker', '--redis', 'http://x'], exit: 2, stderr: /^Error: --redis: /},
  {args: ['worker', '--redis', 'redis://127.0.0.1:1', '--num-cpus', '0'], exit: 2, stderr: /^Error: --num-cpus: expected a number greater than 0, got "0"\nSee: rayts worker --help$/},
  {args: ['help', 'nosuch'], exit: 2, stderr: /^Error: Command nosuch not found\.\nSee: rayts help$/},
  {args: ['prune'], exit: 2, stderr: /^Error: .*Exactly one of the following must be provided: --keep, --older-than/s},
]

for (const entry of ['bin/dev.js', 'bin/run.js'] as const) {
  test.serial(`${entry}: user errors in one style, Error: message, their exit code, no stack trace`, async (t) => {
  t.timeout(600_000)
    const {BUILT, DEV, isBuilt} = await import('./helpers.js')
    if (entry === 'bin/run.js' && !isBuilt()) {
      t.log('dist/ is not built (npm run build): skipped for bin/run.js')
      t.pass()
      return
    }
    const {cli, cleanup} = tempCli(entry === 'bin/dev.js' ? DEV : BUILT)
    t.teardown(cleanup)
    for (const e of USER_ERRORS) {
      const r = await cli(e.args)
      const stderr = String(r.stderr)
      t.is(r.exitCode, e.exit, `${e.args.join(' ')}: ${stderr}`)
      t.regex(stderr, e.stderr, e.args.join(' '))
      t.false(hasStackOrOtherStyle(stderr), `${e.args.join(' ')}: ${stderr}`)
    }
  })
}
