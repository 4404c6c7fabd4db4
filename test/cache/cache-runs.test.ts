// The result cache through real runs: hits, misses, what reruns after an edit, failures,
// --no-cache, and `why` naming the part of the key that changed.
import test, {type ExecutionContext} from 'ava'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {explain} from '../../src/store/query/why.js'
import {listEntries} from '../../src/store/result-cache.js'
import {countStates} from '../../src/dashboard/queries.js'
import {countStates as statusCounts} from '../../src/store/index.js'
import {folder, results, run, states, withStore, runTwice} from './helpers.js'

// runs share this process: each adds its exit and signal hooks while it runs
process.setMaxListeners(50)

const MOD_A = `import {helper} from './helper.mjs'
export function sq(x) { return helper(x) }
export function add(a, b) { return a + b }
export function big(n) { return new Float64Array(n).fill(1.5) }
export function sum(a) { let s = 0; for (const v of a) s += v; return s }
export function echo(...args) { return args }
`
const MOD_B = `export function inc(x) { return x + 1 }
export function envOf(name) { return process.env[name] ?? null }
export function here() { return process.cwd() }
`
const GRAPH = `version: 1
module: ./a.mjs
defaults: {cache: true}
functions:
  inc: {module: ./b.mjs}
tasks:
  a: {fn: sq, foreach: [1, 2, 3], args: [!item]}
  b: {fn: add, args: [!ref a.0, !ref a.2]}
  c: {fn: big, args: [300000]}
  d: {fn: sum, args: [!ref c]}
  i: {fn: inc, args: [41]}
  j: {fn: inc, args: [!ref i]}
  e: {cmd: "cat in.txt", inputs: [in.txt]}
  plain: {fn: inc, args: [1], cache: false}
`

function project(graph = GRAPH) {
  return folder({'a.mjs': MOD_A, 'b.mjs': MOD_B, 'helper.mjs': 'export function helper(x) { return x * x }\n', 'in.txt': 'hello\n', 'g.yaml': graph})
}

/** a project whose graph has run once */
async function ranOnce(t: ExecutionContext) {
  const p = project()
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const first = await run(g)
  t.is(first.code, 0, first.stderr)
  return {p, g, first}
}

test('a second run runs no cached task and gives equal results; status and the dashboard count cached', async (t) => {
  const {g, first} = await ranOnce(t)
  t.true(Object.values(states(first.runId)).every((s) => s === 'succeeded'))
  const second = await run(g)
  t.is(second.code, 0, second.stderr)
  const s = states(second.runId)
  t.is(s.plain, 'succeeded') // cache: false
  for (const [name, state] of Object.entries(s)) if (name !== 'plain') t.is(state, 'cached', name)
  t.deepEqual(results(second.stdout), results(first.stdout))
  t.is(results(second.stdout).d, 450000)
  t.is(results(second.stdout).e, 'hello')
  withStore((store) => {
    t.is(countStates(store, second.runId).cached, 9) // the dashboard's counts
    t.is(statusCounts(store, second.runId).cached, 9) // status's
    t.is(explain(store, second.runId, 'b').verdict, 'reused')
    t.is(explain(store, second.runId, 'plain').reasons[0]!.kind, 'not-cached-task')
    t.is(explain(store, first.runId, 'b').reasons[0]!.kind, 'no-entry')
  })
  t.regex(second.stderr, /9 cached/)
})

test('an edit to a file the module imports reruns its tasks and their dependents only; why names the file', async (t) => {
  const {p, g} = await ranOnce(t)
  p.write('helper.mjs', 'export function helper(x) { return x * x * 10 }\n')
  const r = await run(g)
  t.is(r.code, 0, r.stderr)
  const s = states(r.runId)
  for (const n of ['a[0]', 'a[1]', 'a[2]', 'b', 'c', 'd']) t.is(s[n], 'succeeded', n) // module a.mjs and what uses it
  for (const n of ['i', 'j', 'e']) t.is(s[n], 'cached', n) // another module, a cmd
  t.is(results(r.stdout).b, 100)
  withStore((store) => {
    const why = explain(store, r.runId, 'a[1]')
    t.is(why.verdict, 'ran')
    t.deepEqual(
      why.reasons.map((x) => x.kind === 'module' && x.file),
      [join(p.dir, 'helper.mjs')],
    )
    // b's module changed too (the same module), and so did its arguments (a's keys)
    const b = explain(store, r.runId, 'b')
    t.true(b.reasons.some((x) => x.kind === 'argument' && x.index === 0))
    t.true(b.reasons.some((x) => x.kind === 'argument' && x.index === 1))
  })
  // an edit to the module itself
  p.write('b.mjs', MOD_B.replace('x + 1', 'x + 2'))
  const r2 = await run(g)
  const s2 = states(r2.runId)
  t.is(s2.i, 'succeeded')
  t.is(s2.j, 'succeeded')
  t.is(s2.b, 'cached')
  t.is(results(r2.stdout).j, 45)
  withStore((store) => {
    const why = explain(store, r2.runId, 'i')
    t.deepEqual(why.reasons.map((x) => x.kind === 'module' && x.file), [join(p.dir, 'b.mjs')])
  })
})

test('a changed input file reruns the cmd task that names it; why names the file', async (t) => {
  const {p, g} = await ranOnce(t)
  p.write('in.txt', 'changed\n')
  const r = await run(g)
  const s = states(r.runId)
  t.is(s.e, 'succeeded')
  t.is(s.b, 'cached')
  t.is(results(r.stdout).e, 'changed')
  withStore((store) => {
    const why = explain(store, r.runId, 'e')
    t.deepEqual(why.reasons.map((x) => x.kind === 'input' && x.file), ['in.txt'])
    t.regex(why.reasons[0]!.message, /input file in\.txt changed/)
  })
})

test('--no-cache reruns everything and stores nothing; why says so', async (t) => {
  const {p, g} = await ranOnce(t)
  p.write('in.txt', 'other\n') // would make a new entry for e if it were stored
  const r = await run(g, {noCache: true})
  t.is(r.code, 0)
  t.true(Object.values(states(r.runId)).every((s) => s === 'succeeded'))
  withStore((store) => {
    t.is(listEntries(store).filter((e) => e.runId === r.runId).length, 0)
    t.is(explain(store, r.runId, 'b').reasons[0]!.kind, 'no-cache-flag')
  })
})

test('failures are not cached: a task that failed runs again', async (t) => {
  const p = folder({
    'f.mjs': `import {existsSync} from 'node:fs'
export function flaky(file) { if (!existsSync(file)) throw new Error('not yet'); return 'ok' }
`,
    'g.yaml': 'version: 1\nmodule: ./f.mjs\ndefaults: {cache: true, max_retries: 0}\ntasks:\n  f: {fn: flaky, args: [flag]}\n',
  })
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const first = await run(g)
  t.is(first.code, 1)
  t.is(states(first.runId).f, 'failed')
  // the key is the same (same code, same argument): only the failure kept it from being stored
  writeFileSync(join(p.dir, 'flag'), '')
  // the task reads `flag` relative to its cwd (the graph's folder)
  const second = await run(g)
  t.is(second.code, 0, second.stderr)
  t.is(states(second.runId).f, 'succeeded')
  t.is(results(second.stdout).f, 'ok')
  const third = await run(g)
  t.is(states(third.runId).f, 'cached')
})

test('distinct arguments, env and cwd never share an entry; why names the argument and the option', async (t) => {
  const graph = `version: 1
module: ./b.mjs
defaults: {cache: true}
tasks:
  n1: {fn: inc, args: [1]}
  s1: {fn: inc, args: ["1"]}
  e1: {fn: envOf, args: [X], env: {X: one}}
  e2: {fn: envOf, args: [X], env: {X: two}}
  c1: {fn: here, cwd: sub1}
  c2: {fn: here, cwd: sub2}
`
  const p = folder({'b.mjs': MOD_B, 'g.yaml': graph})
  t.teardown(p.cleanup)
  for (const d of ['sub1', 'sub2']) mkdirSync(join(p.dir, d))
  const g = join(p.dir, 'g.yaml')
  const r = await run(g)
  t.is(r.code, 0, r.stderr)
  const v = results(r.stdout)
  t.is(v.n1, 2)
  t.is(v.s1, '11')
  t.is(v.e1, 'one')
  t.is(v.e2, 'two')
  t.not(v.c1, v.c2)
  withStore((store) => {
    const keys = store.db.prepare('SELECT key FROM cache_keys WHERE run_id = ?').pluck().all(r.runId) as string[]
    t.is(new Set(keys).size, 6)
  })
  // the same graph again: all reused, same values
  const again = await run(g)
  t.deepEqual(results(again.stdout), v)
  t.true(Object.values(states(again.runId)).every((s) => s === 'cached'))
  // change an argument and an env value
  writeFileSync(g, graph.replace('args: [1]}', 'args: [2]}').replace('X: two', 'X: three'))
  const changed = await run(g)
  t.is(results(changed.stdout).n1, 3)
  t.is(results(changed.stdout).e2, 'three')
  withStore((store) => {
    const n1 = explain(store, changed.runId, 'n1')
    t.deepEqual(n1.reasons.map((x) => x.kind === 'argument' && x.index), [0])
    t.regex(n1.reasons[0]!.message, /argument 0 changed/)
    const e2 = explain(store, changed.runId, 'e2')
    t.deepEqual(e2.reasons.map((x) => x.kind === 'option' && x.name), ['env'])
    t.is(explain(store, changed.runId, 's1').verdict, 'reused')
  })
})

test('a foreach item change is named; args in another order are another key', async (t) => {
  const graph = `version: 1
module: ./a.mjs
defaults: {cache: true}
tasks:
  x: {fn: echo, foreach: [1, 2], args: [!item, 0]}
  y: {fn: echo, args: [1, 2]}
  z: {fn: echo, args: [2, 1]}
`
  const p = folder({'a.mjs': MOD_A, 'helper.mjs': 'export function helper(x) { return x }\n', 'g.yaml': graph})
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const r = await run(g)
  t.deepEqual(results(r.stdout).y, [1, 2])
  t.deepEqual(results(r.stdout).z, [2, 1])
  writeFileSync(g, graph.replace('foreach: [1, 2]', 'foreach: [1, 5]'))
  const r2 = await run(g)
  const s = states(r2.runId)
  t.is(s['x[0]'], 'cached')
  t.is(s['x[1]'], 'succeeded')
  withStore((store) => {
    const why = explain(store, r2.runId, 'x[1]')
    t.deepEqual(why.reasons.map((x) => x.kind), ['item', 'argument'])
  })
})

test('removing the run that computed an entry keeps the entry; a damaged entry is a miss and a warning', async (t) => {
  const {g, first} = await ranOnce(t)
  const {removeRun} = await import('../../src/store/upkeep/remove.js')
  withStore((store) => t.truthy(removeRun(store, first.runId)))
  const second = await run(g)
  t.is(states(second.runId).d, 'cached')
  t.is(results(second.stdout).d, 450000) // c's big value is read from the entry's own folder
  // damage c's entry (its value holds an object, or is a file of its own) and d's row
  withStore((store) => {
    const c = explain(store, second.runId, 'c').key!
    const d = explain(store, second.runId, 'd').key!
    const dir = join(store.home, 'cache', 'results', c)
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), readFileSync(join(dir, f)).subarray(0, 100))
    for (const table of ['results', 'small_results']) store.db.prepare(`UPDATE ${table} SET value = X'00' WHERE key = ? AND value IS NOT NULL`).run(d)
  })
  const third = await run(g)
  t.is(third.code, 0, third.stderr)
  t.is(states(third.runId).c, 'succeeded')
  t.is(states(third.runId).d, 'succeeded')
  t.is(results(third.stdout).d, 450000)
  t.regex(third.stderr, /c: cache entry \w+ is damaged/)
  t.regex(third.stderr, /d: cache entry \w+ is damaged/)
})

test('a fully cached run hands dependents the values the computed run did, of every kind', async (t) => {
  const mod = `export function make(i) {
  const cyc = {i}; cyc.self = cyc
  return [new Float32Array([i, 1.5]), new BigInt64Array([BigInt(i)]), new Uint8Array([i, 255]), new Map([['b', i], ['a', [1n]]]), new Set([i, 'x']), 2n ** 70n + BigInt(i), new Date(1e12 + i), cyc, -0, NaN]
}
export function describe(v) {
  const [f32, b64, u8, map, set, big, date, cyc, z, nan] = v
  return [f32.constructor.name, [...f32].join(), b64.constructor.name, String(b64[0]), u8.constructor.name, [...u8].join(),
    map instanceof Map, JSON.stringify([...map.keys()]), typeof map.get('a')[0], set instanceof Set, [...set].join(), typeof big, String(big),
    date instanceof Date, date.getTime(), cyc.self === cyc, cyc.i, Object.is(z, -0), Number.isNaN(nan)].join('|')
}
`
  const p = folder({'m.mjs': mod, 'g.yaml': 'version: 1\nmodule: ./m.mjs\ntasks:\n  v: {fn: make, foreach: [0, 7], args: [!item], cache: true}\n  d: {fn: describe, foreach: !ref v, args: [!item]}\n'})
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const {first, second} = await runTwice(t, g)
  t.is(states(second.runId)['v[1]'], 'cached')
  t.is(states(second.runId)['d[1]'], 'succeeded') // not cached: it ran on the cached value
  const computed = results(first.stdout)
  t.deepEqual(results(second.stdout), computed)
  t.is(computed['d[1]'], ['Float32Array', '7,1.5', 'BigInt64Array', '7', 'Uint8Array', '7,255', true, '["b","a"]', 'bigint', true, '7,x', 'bigint', String(2n ** 70n + 7n), true, 1e12 + 7, true, 7, true, true].join('|'))
})
