// A cache entry whose folder was made by a put that rolled back (putMany's transaction
// failed, so each entry is put again on its own) still gets its row; a folder another run
// made for the key is never given this run's row.
import test, {type ExecutionContext} from 'ava'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {serialize} from 'node:v8'
import type {ObjectsConfig} from '../../src/objects/config.js'
import {loadRefs} from '../../src/objects/read.js'
import {ObjectWriter} from '../../src/objects/writer.js'
import {openStore, type Store} from '../../src/store/index.js'
import {ResultEntries} from '../../src/store/result-cache.js'

const keyOf = (s: string): string => createHash('sha256').update(s).digest('hex')
const origin = {runId: 'r1', name: 't', task: 't'}

function openEntries(t: ExecutionContext): {store: Store; entries: ResultEntries; home: string} {
  const home = mkdtempSync(join(tmpdir(), 'rayts-put-again-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  const store = openStore(home)
  t.teardown(() => store.close())
  return {store, entries: new ResultEntries(store), home}
}

function putRolledBack(store: Store, entries: ResultEntries, key: string, value: unknown): void {
  store.db.transaction(() => {
    entries.put(key, value, origin)
    throw new Error('SQLITE_BUSY, say')
  })()
}

test('a value file left by a rolled-back put: the next put of the key writes its row, and the entry reads back', (t) => {
  const {store, entries} = openEntries(t)
  const key = keyOf('value file')
  const value = new Float64Array(9000).fill(0.25) // over the inline size: a value file in the entry's folder
  t.throws(() => putRolledBack(store, entries, key, value), {message: /SQLITE_BUSY/})
  t.false(entries.has(key), 'the row rolled back; the folder stayed')
  entries.put(key, value, origin)
  t.true(entries.has(key))
  const got = entries.get(key)
  t.true(got.hit && got.value instanceof Float64Array && got.value.length === 9000 && got.value.every((x) => x === 0.25))
})

test('objects left by a rolled-back put: the next put writes the row; a folder of another run (other objects, another value) gets no row of this one', (t) => {
  const {store, entries, home} = openEntries(t)
  const objects = mkdtempSync(join(tmpdir(), 'rayts-put-again-objects-'))
  t.teardown(() => rmSync(objects, {recursive: true, force: true}))
  const config: ObjectsConfig = {run: 'r1', dir: objects, spill: objects, inlineMax: 1024}
  const value = {data: new ObjectWriter(config).store(new Float64Array(5000).fill(2))}
  const key = keyOf('objects')
  t.throws(() => putRolledBack(store, entries, key, value))
  entries.put(key, value, origin)
  const got = entries.get(key)
  t.true(got.hit, 'the entry is whole')
  t.true(got.hit && (loadRefs(got.value) as {data: Float64Array}).data.every((x) => x === 2), 'its object is read from the entry\'s folder')

  // another run's folder for a key, its row not written yet: left alone
  const other = keyOf('another run')
  const root = join(home, 'cache', 'results')
  mkdirSync(join(root, other), {recursive: true, mode: 0o700})
  writeFileSync(join(root, other, 'value.v8'), serialize(new Float64Array(9000).fill(7)))
  entries.put(other, new Float64Array(9000).fill(1), origin)
  t.false(entries.has(other), 'no row of this run points at another run\'s value')
})
