// The cache's batch lookup (getMany) answers many keys in one query: each answer must go to its
// own key, equal to what a lookup of that key alone gives.
import test, {type ExecutionContext} from 'ava'
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {serialize} from 'node:v8'
import {openStore, type Store} from '../../src/store/index.js'
import {ResultEntries} from '../../src/store/result-cache.js'

const keyOf = (s: string): string => createHash('sha256').update(s).digest('hex')

/** a store of its own in a temporary folder, gone after the test */
function openEntries(t: ExecutionContext): {store: Store; entries: ResultEntries} {
  const home = mkdtempSync(join(tmpdir(), 'rayts-lookups-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  const store = openStore(home)
  t.teardown(() => store.close())
  return {store, entries: new ResultEntries(store)}
}

test('getMany answers each key with its own entry, as get does, in the order asked', (t) => {
  const {entries} = openEntries(t)
  const stored = Array.from({length: 3000}, (_, i) => keyOf(`in ${i}`))
  entries.putMany(stored.map((key, i) => ({key, value: i % 3 === 0 ? {i, tag: `v${i}`} : i, origin: {runId: 'r', name: `t[${i}]`, task: 't'}})), () => t.fail('a put failed'))
  // asked: the stored keys backwards, keys never stored between them, and some twice
  const asked: string[] = []
  for (let i = stored.length - 1; i >= 0; i--) {
    asked.push(stored[i]!)
    if (i % 7 === 0) asked.push(keyOf(`missing ${i}`))
    if (i % 11 === 0) asked.push(stored[i]!)
  }
  const many = entries.getMany(asked)
  t.is(many.length, asked.length)
  t.deepEqual(many, asked.map((key) => entries.get(key)))
  for (let k = 0; k < asked.length; k++) {
    const i = stored.indexOf(asked[k]!)
    const got = many[k]!
    if (i < 0) t.false(got.hit, 'a key never stored is a miss')
    else t.deepEqual(got.hit && got.value, i % 3 === 0 ? {i, tag: `v${i}`} : i, `key ${k} has entry ${i}'s value`)
  }
  t.deepEqual(entries.getMany([]), [])
})

test('small values (small_results), wider ones (results), files and an older store\'s small rows in results are all found, each as its own', (t) => {
  const {store, entries} = openEntries(t)
  const values: unknown[] = [7, 'x'.repeat(200), 'y'.repeat(300), new Float64Array(9000).fill(0.5), {s: 'small'}, new Uint8Array([1, 2]), new Int8Array([1, 2])]
  const keys = values.map((_, i) => keyOf(`value ${i}`))
  entries.putMany(values.map((value, i) => ({key: keys[i]!, value, origin: {runId: 'r', name: `t[${i}]`, task: 't'}})), () => t.fail('a put failed'))
  const smallRows = store.db.prepare('SELECT key FROM small_results').pluck().all() as string[]
  t.deepEqual(smallRows.sort(), [keys[0]!, keys[1]!, keys[4]!, keys[5]!, keys[6]!].sort(), 'values up to 256 bytes, and only they, are small rows')
  // an entry as a store of schema 5 kept it: a small value inline in its results row
  const oldKey = keyOf('older store')
  const bytes = serialize(42)
  store.db
    .prepare("INSERT INTO results (key, value, value_file, digest, bytes, from_run, name, task, created_ms, used_ms) VALUES (?, ?, NULL, ?, ?, 'r0', 'o', 'o', 1, 1)")
    .run(oldKey, bytes, createHash('sha256').update(bytes).digest('hex'), bytes.length)
  const asked = [keyOf('missing'), ...keys, oldKey, keys[0]!]
  const many = entries.getMany(asked)
  t.deepEqual(many, asked.map((key) => entries.get(key)))
  t.false(many[0]!.hit)
  for (let i = 0; i < values.length; i++) {
    const got = many[i + 1]!
    t.true(got.hit, `value ${i} is found`)
    if (got.hit) t.deepEqual(got.value, values[i], `value ${i} comes back as itself`)
  }
  const old = many[values.length + 1]!
  t.true(old.hit && old.value === 42, "an older store's small entry is found in results")
  t.true(many[values.length + 2]!.hit && (many[values.length + 2] as {value: unknown}).value === 7)
  // the Uint8Array and the Int8Array of the same bytes stay apart
  t.is((many[6] as {value: unknown}).value!.constructor, Uint8Array)
  t.is((many[7] as {value: unknown}).value!.constructor, Int8Array)
})

test('a damaged small row is a miss and a warning, and both of its rows go', (t) => {
  const {store, entries} = openEntries(t)
  const key = keyOf('damaged')
  entries.putMany([{key, value: 'fine', origin: {runId: 'r', name: 't', task: 't'}}], () => t.fail('a put failed'))
  store.db.prepare("UPDATE small_results SET value = X'00' WHERE key = ?").run(key)
  const got = entries.get(key)
  t.false(got.hit)
  t.regex((got as {warning?: string}).warning ?? '', /is damaged \(its value does not match its digest\)/)
  t.is(store.db.prepare('SELECT count(*) FROM results WHERE key = ?').pluck().get(key), 0)
  t.is(store.db.prepare('SELECT count(*) FROM small_results WHERE key = ?').pluck().get(key), 0)
  // stored again, found again
  entries.putMany([{key, value: 'again', origin: {runId: 'r2', name: 't', task: 't'}}], () => t.fail('a put failed'))
  t.deepEqual(entries.get(key), {hit: true, value: 'again', bytes: serialize('again')})
})

test('a small row whose digest is not 64 digits is a miss; the rows around it still hit', (t) => {
  const {store, entries} = openEntries(t)
  const keys = [0, 1, 2, 3].map((i) => keyOf(`row ${i}`))
  entries.putMany(keys.map((key, i) => ({key, value: `v${i}`, origin: {runId: 'r', name: `t[${i}]`, task: 't'}})), () => t.fail('a put failed'))
  store.db.prepare("UPDATE small_results SET digest = 'short' WHERE key = ?").run(keys[1])
  const got = entries.getMany(keys)
  t.deepEqual(got.map((g) => g.hit), [true, false, true, true])
  t.deepEqual(got.map((g) => (g.hit ? g.value : null)), ['v0', null, 'v2', 'v3'])
  t.regex((got[1] as {warning?: string}).warning ?? '', /is damaged/)
})
