// A run's hits are kept as one cache_hits row per flush (names, and keys as bytes) instead
// of a cache_keys row each: each instance must still be told its own key, the same key the
// computing run kept for it, and a store of schema 3 (hits as cache_keys rows) still reads
// (serial: it drops a table of the file's store). A hit's instance row takes the entry's
// stored bytes as they are: it must read back as the value the computing run recorded.
import test from 'ava'
import Database from 'better-sqlite3'
import {join} from 'node:path'
import {encodeHits, hitKeyOf} from '../../src/store/cache-hits.js'
import {loadValue} from '../../src/store/query/results.js'
import {DB_FILE} from '../../src/store/index.js'
import {entriesByLastUse} from '../../src/store/result-cache.js'
import {SCHEMA_VERSION} from '../../src/store/schema.js'
import {explain} from '../../src/store/query/why.js'
import {folder, results, run, states, withStore, runTwice} from './helpers.js'

process.setMaxListeners(50)

// items a key must tell apart: 1 and "1", -0 and 0, NaN and null
const GRAPH = `version: 1
module: ./m.mjs
defaults: {cache: true}
tasks:
  x: {fn: echo, foreach: [1, "1", 0, -0, .nan, null, 2], args: [!item]}
  y: {fn: echo, args: [7]}
`
// each test its own module text: its own keys (the tests of a file run at once, in one store)
const mod = (tag: string): string => `export function echo(v) { return [v] }\n// ${tag}\n`
const NAMES = ['x[0]', 'x[1]', 'x[2]', 'x[3]', 'x[4]', 'x[5]', 'x[6]', 'y']

test('each hit is told its own key: the key its computing run kept, none shared', async (t) => {
  const p = folder({'m.mjs': mod('own keys'), 'g.yaml': GRAPH})
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const {first, second} = await runTwice(t, g)
  t.notRegex(second.stderr, /could not/)
  t.deepEqual(results(second.stdout), results(first.stdout))
  t.true(NAMES.every((n) => states(second.runId)[n] === 'cached'))
  withStore((store) => {
    const computed = (name: string) => store.db.prepare('SELECT key FROM cache_keys WHERE run_id = ? AND name = ?').pluck().get(first.runId, name) as string
    const hits = NAMES.map((n) => hitKeyOf(store, second.runId, n))
    t.deepEqual(hits, NAMES.map(computed))
    t.is(new Set(hits).size, NAMES.length)
    // the hits wrote no cache_keys rows, and why names each one's entry
    t.is(store.db.prepare('SELECT COUNT(*) FROM cache_keys WHERE run_id = ?').pluck().get(second.runId), 0)
    for (const n of NAMES) {
      const why = explain(store, second.runId, n)
      t.is(why.verdict, 'reused')
      t.is(why.key, computed(n))
      t.regex(why.reasons[0]!.message, new RegExp(`computed by run ${first.runId}`))
    }
    t.is(hitKeyOf(store, second.runId, 'x'), undefined)
  })
})

test('encodeHits refuses a key that is not 64 hex digits (Buffer.from would cut it short)', (t) => {
  const good = 'ab'.repeat(32)
  t.is(encodeHits(['a', 'b'], [good, good]).keys.length, 64)
  t.throws(() => encodeHits(['a', 'b'], [good, `zz${good.slice(2)}`]))
  t.throws(() => encodeHits(['a'], [good.slice(1)]))
  t.throws(() => encodeHits(['a', 'b'], [good]))
})

test.serial('a store of schema 3 (a hit as a cache_keys row without parts) opens, and why and the eviction order read it', async (t) => {
  const p = folder({'m.mjs': mod('schema 3'), 'g.yaml': GRAPH})
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const first = await run(g)
  const second = await run(g)
  const key = withStore((store) => hitKeyOf(store, second.runId, 'y')!)
  // as schema 3 kept it: the hits as cache_keys rows with empty parts, no cache_hits table
  const home = process.env.RAYTS_HOME!
  const old = new Database(join(home, DB_FILE))
  const file = old.prepare('SELECT file FROM cache_keys WHERE run_id = ? LIMIT 1').pluck().get(first.runId) as string
  old.prepare("INSERT INTO cache_keys (run_id, name, key, file, task, findex, parts) VALUES (?, 'y', ?, ?, 'y', NULL, '')").run(second.runId, key, file)
  old.exec('DROP TABLE cache_hits')
  // the entry was stored before the second run started: its use is that run's start
  old.prepare('UPDATE results SET used_ms = 1, created_ms = 1 WHERE key = ?').run(key)
  old.pragma('user_version = 3')
  old.close()
  withStore((store) => {
    t.is(store.db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
    t.is(store.db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'cache_hits'").pluck().get(), 1)
    const why = explain(store, second.runId, 'y')
    t.is(why.verdict, 'reused')
    t.is(why.key, key)
    t.is(why.reasons[0]!.kind, 'reused')
    const started = store.db.prepare('SELECT started_ms FROM runs WHERE id = ?').pluck().get(second.runId) as number
    t.is(entriesByLastUse(store).find((e) => e.key === key)?.at, started)
    // x's hits were in the dropped table: those entries count from when they were stored
    t.true(entriesByLastUse(store).every((e) => e.key === key || e.at < started))
  })
})

test('a hit records the stored bytes as they are: each instance reads back the value its computing run recorded', async (t) => {
  const m = `export function make(i) {
  const kinds = [i, String(i), -0, NaN, null, new Float32Array([i, 1.5]), new BigInt64Array([BigInt(i)]), new Map([['b', i], ['a', [1n]]]), new Set([i, 'x']), 2n ** 70n + BigInt(i), new Date(1e12 + i), new Float64Array(20000).fill(i), 'x'.repeat(100000 + i)]
  return kinds[i]
}
// hit bytes
`
  const p = folder({'m.mjs': m, 'g.yaml': 'version: 1\nmodule: ./m.mjs\ntasks:\n  v: {fn: make, foreach: {range: 13}, args: [!item], cache: true}\n'})
  t.teardown(p.cleanup)
  const g = join(p.dir, 'g.yaml')
  const {first, second} = await runTwice(t, g)
  t.deepEqual(results(second.stdout), results(first.stdout))
  withStore((store) => {
    const names = Array.from({length: 13}, (_, i) => `v[${i}]`)
    t.true(names.every((n) => states(second.runId)[n] === 'cached'))
    const computed = names.map((n) => loadValue(store, first.runId, n))
    const reused = names.map((n) => loadValue(store, second.runId, n))
    for (let i = 0; i < names.length; i++) {
      t.deepEqual(reused[i], computed[i], names[i])
      // and no other instance's value
      for (let j = 0; j < names.length; j++) if (j !== i) t.notDeepEqual(reused[i], computed[j], `${names[i]} vs ${names[j]}`)
    }
    t.true(Object.is(reused[2], -0))
    t.true(Number.isNaN(reused[3]))
    t.is(reused[1], '1')
  })
})
