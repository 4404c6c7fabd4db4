// Options layer defaults < functions.NAME < task < --set. Every way the layers can be
// present or absent, checked against an oracle that resolves each task on its own, and
// against the runtime (issue: a function's options leaked to every task without defaults).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {execa} from 'execa'
import {parse} from 'yaml'
import {compileGraphFile, formatProblem, type CompiledGraph, type TaskOptions} from '../../src/graph/index.js'
import {resolveOptions, type OptionLayer} from '../../src/graph/compile/options.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-layers-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

writeFileSync(
  join(tmp, 'm.mjs'),
  [
    'export function split() { return ["a", "b"] }',
    'export function tag(x, y) { return `${x}:${y}` }',
    'export function pair() { return [1, 2] }',
    'export function plain() { return 1 }',
    'export function listed() { return 2 }',
  ].join('\n'),
)

/** one graph per (defaults present?) with every function and task-key combination */
function graphText(withDefaults: boolean): string {
  const lines = ['version: 1', 'module: ./m.mjs']
  if (withDefaults) lines.push('defaults: {max_retries: 1, timeout: 30s, resources: {disk: 1}}')
  lines.push(
    'functions:',
    '  split: {num_returns: 2, max_calls: 1, resources: {gpu: 1}}', // a function with options
    '  listed: {export: listed}', // a function with no options
    '  three: {export: pair, num_returns: 3}',
    'tasks:',
  )
  // each fn target with and without task-level keys, in an order that puts
  // option-less tasks after the function with options (where the leak showed)
  for (const fn of ['split', 'listed', 'plain', 'three']) {
    lines.push(`  ${fn}_bare: {fn: ${fn}}`)
    lines.push(`  ${fn}_own: {fn: ${fn}, max_retries: 7, num_cpus: 0.5}`)
  }
  lines.push('  cmd_bare: {cmd: [true]}', '  cmd_own: {cmd: [true], timeout: 2s}', '  cmd_res: {cmd: [true], resources: {gpu: 2}}')
  return lines.join('\n') + '\n'
}

type Obj = Record<string, unknown>
const SETS: readonly (readonly string[])[] = [
  [],
  ['functions.listed.max_calls=4'], // --set gives an option-less function options
  ['defaults.num_cpus=0.25'], // --set makes a defaults layer where there was none
  ['tasks.plain_bare.timeout=1'], // --set gives a bare task its own key
  ['functions.split.num_returns=1', 'tasks.cmd_bare.max_retries=0'],
]

/** The data after --set, as the compiler sees it (a YAML re-read, applied by hand). */
function rawAfterSets(text: string, sets: readonly string[]): Obj {
  const root = parse(text) as Obj
  for (const s of sets) {
    const [path, value] = s.split('=') as [string, string]
    const parts = path.split('.')
    let obj = root
    for (const p of parts.slice(0, -1)) obj = (obj[p] ??= {}) as Obj
    obj[parts.at(-1)!] = parse(value)
  }
  return root
}

/** Layers for one task, built directly from the raw data (no cache anywhere). */
function layersOf(root: Obj, id: string): OptionLayer[] {
  const task = (root.tasks as Obj)[id] as Obj
  const layers: OptionLayer[] = []
  if (root.defaults) layers.push({data: root.defaults as Obj, path: ['defaults']})
  const f = typeof task.fn === 'string' ? (root.functions as Obj)[task.fn] : undefined
  if (f) layers.push({data: f as Obj, path: ['functions', task.fn as string]})
  layers.push({data: task, path: ['tasks', id]})
  return layers
}

/** An independent oracle: the last layer that has the key, else the documented default. */
function oracle<T>(layers: OptionLayer[], key: string, fallback: T): T {
  for (const l of [...layers].reverse()) if (Object.hasOwn(l.data, key)) return l.data[key] as T
  return fallback
}

/** the identity of the layers that set an option: what may be shared */
function identity(layers: OptionLayer[], kind: string): string {
  return JSON.stringify([kind, ...layers.filter((l) => ['max_retries', 'timeout', 'resources', 'num_returns', 'max_calls', 'num_cpus'].some((k) => Object.hasOwn(l.data, k))).map((l) => l.path)])
}

for (const withDefaults of [true, false]) {
  for (const sets of SETS) {
    test(`options: defaults ${withDefaults ? 'present' : 'absent'}, --set ${sets.join(' ') || 'none'}`, (t) => {
      const text = graphText(withDefaults)
      const file = join(tmp, `g-${withDefaults}-${SETS.indexOf(sets)}.yaml`)
      writeFileSync(file, text)
      const r = compileGraphFile(file, {set: sets})
      if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'))
      const g: CompiledGraph = r.graph
      const root = rawAfterSets(text, sets)
      const seen = new Map<TaskOptions, string>()
      for (const task of g.tasks) {
        const layers = layersOf(root, task.id)
        const fn = task.kind === 'fn'
        // the cached result equals an uncached computation over the same layers
        t.deepEqual(task.options, resolveOptions(layers, task.kind), task.id)
        // and the oracle, option by option
        t.is(task.options.maxRetries, oracle(layers, 'max_retries', 3), `${task.id} max_retries`)
        t.is(task.options.maxCalls, fn ? oracle(layers, 'max_calls', 0) : 0, `${task.id} max_calls`)
        t.is(task.options.numReturns, fn ? oracle(layers, 'num_returns', 1) : 1, `${task.id} num_returns`)
        t.is(task.options.numCpus, oracle(layers, 'num_cpus', 1), `${task.id} num_cpus`)
        const timeout = oracle<number | string | null>(layers, 'timeout', null)
        t.is(task.options.timeout, timeout === '30s' ? 30 : timeout === '2s' ? 2 : (timeout as number | null), `${task.id} timeout`)
        const resources = Object.assign({}, ...layers.map((l) => l.data.resources ?? {}))
        t.deepEqual(task.options.resources, resources, `${task.id} resources`)
        // no two tasks with different layers share one options object
        const id = identity(layers, task.kind)
        const other = seen.get(task.options)
        if (other !== undefined) t.is(other, id, `${task.id} shares options with a task of other layers`)
        seen.set(task.options, id)
      }
      // the issue's case, spelled out: tag, plain and listed are not split
      const o = (id: string) => g.taskById.get(id)!.options
      t.is(o('plain_bare').numReturns, 1)
      t.is(o('plain_bare').maxCalls, 0)
      t.is(o('listed_bare').maxCalls, sets.includes('functions.listed.max_calls=4') ? 4 : 0)
      t.is(o('three_bare').numReturns, 3)
      t.deepEqual(o('plain_bare').resources, withDefaults ? {disk: 1} : {})
    })
  }
}

test('options: tasks with the same layers share one options object (the cache is used)', (t) => {
  const file = join(tmp, 'shared.yaml')
  writeFileSync(file, graphText(false).replace('tasks:\n', 'tasks:\n  split_again: {fn: split}\n  plain_again: {fn: plain}\n'))
  const r = compileGraphFile(file)
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'))
  const o = (id: string) => r.graph.taskById.get(id)!.options
  t.is(o('split_again'), o('split_bare'))
  t.is(o('plain_again'), o('plain_bare'))
  t.not(o('plain_bare'), o('split_bare'))
  t.not(o('plain_bare'), o('cmd_bare')) // same (no) layers, another kind
})

const cli = (...args: string[]) =>
  execa('./bin/dev.js', args, {reject: false, timeout: 60_000, env: {OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_HOME: join(tmp, 'home')}})

const ISSUE = join(tmp, 'issue.yaml')
writeFileSync(
  ISSUE,
  [
    'version: 1',
    'module: ./m.mjs',
    'functions:',
    '  split: {num_returns: 2, max_calls: 1}',
    '  three: {export: pair, num_returns: 3}',
    'tasks:',
    '  s: {fn: split}',
    '  l: {fn: tag, args: [LEFT, !ref s.0]}',
    '  r: {fn: tag, args: [RIGHT, !ref s.1]}',
  ].join('\n') + '\n',
)

test.serial('graph --format json shows each task its own options', async (t) => {
  const r = await cli('graph', '--format', 'json', ISSUE)
  t.is(r.exitCode, 0, r.stderr)
  const tasks = (JSON.parse(r.stdout) as {tasks: {id: string; options: TaskOptions}[]}).tasks
  const o = Object.fromEntries(tasks.map((x) => [x.id, x.options]))
  t.like(o.s, {numReturns: 2, maxCalls: 1})
  t.like(o.l, {numReturns: 1, maxCalls: 0})
  t.like(o.r, {numReturns: 1, maxCalls: 0})
})

test.serial('a real run of the split/tag example succeeds; num_returns: 3 on a 2-value export fails', async (t) => {
  const ok = await cli('run', ISSUE)
  t.is(ok.exitCode, 0, ok.stdout + ok.stderr)
  t.regex(ok.stdout, /l \([^)]*\): "?LEFT:a"?/)
  t.regex(ok.stdout, /r \([^)]*\): "?RIGHT:b"?/)
  // `three` comes after an option-less task, where it used to pick up that task's options
  const file = join(tmp, 'three.yaml')
  writeFileSync(file, ['version: 1', 'module: ./m.mjs', 'functions:', '  three: {export: pair, num_returns: 3}', 'tasks:', '  p: {fn: plain}', '  g: {fn: three}'].join('\n') + '\n')
  const bad = await cli('run', file)
  t.is(bad.exitCode, 1)
  t.regex(bad.stdout + bad.stderr, /g must return an array of 3 values \(num_returns\), got an array of 2/)
})
