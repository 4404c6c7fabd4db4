// Through the real CLI (each start costs about a second, so only a handful).
import test from 'ava'
import {execa} from 'execa'

const env = {OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'}

function rayts(...args: string[]) {
  return execa('./bin/dev.js', args, {reject: false, env, timeout: 60_000})
}

const noStack = (s: string) => !/\n\s+at |Error:/.test(s)

test.serial('validate: ok lines for every example, exit 0', async (t) => {
  const r = await rayts('validate', 'graphs/arrays.yaml', 'graphs/arrays-wait.yaml', 'graphs/slow-square.yaml')
  t.is(r.exitCode, 0)
  t.is(r.stdout, ['graphs/arrays.yaml: ok, 3 tasks (3 instances)', 'graphs/arrays-wait.yaml: ok, 2 tasks (10 instances)', 'graphs/slow-square.yaml: ok, 1 task (4 instances)'].join('\n'))
  t.is(r.stderr, '')
})

test.serial('validate: problems on stderr as FILE:LINE:COL, exit 2, no stack trace', async (t) => {
  const r = await rayts('validate', 'graphs/arrays.yaml', 'test/fixtures/bad/cycle3.yaml', 'test/fixtures/bad/many-problems.yaml', 'test/fixtures/bad/missing.yaml', 'test/fixtures/bad/syntax-error.yaml')
  t.is(r.exitCode, 2)
  t.is(
    r.stdout,
    [
      'graphs/arrays.yaml: ok, 3 tasks (3 instances)',
      'test/fixtures/bad/cycle3.yaml: 1 problem',
      'test/fixtures/bad/many-problems.yaml: 4 problems',
      'test/fixtures/bad/missing.yaml: 1 problem',
      'test/fixtures/bad/syntax-error.yaml: 1 problem',
    ].join('\n'),
  )
  t.is(
    r.stderr,
    [
      'test/fixtures/bad/cycle3.yaml:4:24: cycle: a -> b -> c -> a',
      'test/fixtures/bad/many-problems.yaml:4:27: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)',
      'test/fixtures/bad/many-problems.yaml:5:24: unknown task "zz"',
      'test/fixtures/bad/many-problems.yaml:5:33: !item is only allowed in a task with foreach (in its args, cmd, stdin or env)',
      'test/fixtures/bad/many-problems.yaml:6:19: num_returns is for fn tasks only',
      'test/fixtures/bad/missing.yaml: no such file',
      'test/fixtures/bad/syntax-error.yaml:5:1: Flow map in block collection must be sufficiently indented and end with a }',
    ].join('\n'),
  )
  t.true(noStack(r.stderr))
})

test.serial('validate --json and --set', async (t) => {
  const r = await rayts('validate', '--json', 'graphs/options.yaml', 'test/fixtures/bad/version-2.yaml', '--set', 'defaults.max_retries=0')
  t.is(r.exitCode, 2)
  const out = JSON.parse(r.stdout) as unknown[]
  t.deepEqual(out, [
    {file: 'graphs/options.yaml', ok: true, tasks: 6, instances: 6, problems: []},
    {file: 'test/fixtures/bad/version-2.yaml', ok: false, tasks: 0, instances: 0, problems: [{file: 'test/fixtures/bad/version-2.yaml', line: 1, col: 10, message: 'version must be 1'}]},
  ])
  const bad = await rayts('validate', 'graphs/options.yaml', '--set', 'tasks.nope.timeout=1')
  t.is(bad.exitCode, 2)
  t.is(bad.stderr, 'graphs/options.yaml: --set tasks.nope.timeout=1: unknown path "tasks.nope.timeout": no task "nope"')
})

test.serial('graph: dot by default, mermaid, json; a bad graph exits 2', async (t) => {
  const dot = await rayts('graph', 'graphs/arrays.yaml')
  t.is(dot.exitCode, 0)
  t.true(dot.stdout.startsWith('digraph "arrays" {'))
  t.true(dot.stdout.includes('"id1" -> "id3";'))
  const mermaid = await rayts('graph', 'graphs/arrays.yaml', '--format', 'mermaid')
  t.true(mermaid.stdout.startsWith('flowchart LR'))
  const json = await rayts('graph', 'graphs/arrays.yaml', '-f', 'json')
  t.deepEqual((JSON.parse(json.stdout) as {edges: unknown}).edges, [[0, 2], [1, 2]])
  const bad = await rayts('graph', 'test/fixtures/bad/self-cycle.yaml')
  t.is(bad.exitCode, 2)
  t.is(bad.stdout, '')
  t.is(bad.stderr, 'test/fixtures/bad/self-cycle.yaml:4:26: cycle: a -> a')
  const usage = await rayts('graph', 'graphs/arrays.yaml', '--format', 'png')
  t.is(usage.exitCode, 2)
  t.regex(usage.stderr, /Expected --format=png to be one of: dot, mermaid, json/)
})

test.serial('--help shows examples', async (t) => {
  const r = await rayts('validate', '--help')
  t.is(r.exitCode, 0)
  t.regex(r.stdout, /EXAMPLES[\s\S]*validate graphs\/\*\.yaml/)
})

test.serial('validate and graph accept .json graph files', async (t) => {
  const r = await rayts('validate', 'test/fixtures/good/fanout.json', 'test/fixtures/bad/json-cycle.json')
  t.is(r.exitCode, 2)
  t.is(r.stdout, ['test/fixtures/good/fanout.json: ok, 9 tasks (20 instances)', 'test/fixtures/bad/json-cycle.json: 1 problem'].join('\n'))
  t.is(r.stderr, 'test/fixtures/bad/json-cycle.json:4:27: cycle: a -> b -> c -> a')
  const yaml = await rayts('graph', 'test/fixtures/good/fanout.yaml', '-f', 'mermaid')
  const json = await rayts('graph', 'test/fixtures/good/fanout.json', '-f', 'mermaid')
  t.is(json.exitCode, 0)
  t.is(json.stdout, yaml.stdout)
})
