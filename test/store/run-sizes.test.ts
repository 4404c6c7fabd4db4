// The size budget remembers the folder sizes of runs long ended (store/upkeep/run-folder-sizes.ts)
// instead of walking every file of every run at the end of each run. What it adds up must
// be what a full walk finds, run by run, through resumes, removals and runs still going.
import test from 'ava'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {newRunId, recordRun, type Store} from '../../src/store/index.js'
import {storeBytes} from '../../src/store/upkeep/home-budget.js'
import {runSizesFile} from '../../src/store/upkeep/run-folder-sizes.js'
import {runBlobDir} from '../../src/store/values.js'
import {instancesOf, META, storeIn, SyntheticRun} from './helpers.js'

const MiB = 1024 * 1024
const LONG_AGO = 3_600_000

/** a finished run holding a value file of `bytes`, ended `agoMs` ago */
function finished(store: Store, bytes: number, agoMs: number): string {
  const run = new SyntheticRun(newRunId(), instancesOf({big: null}), ['big'])
  recordRun(store, run.events, META)
  run.start()
  run.succeed('big', Buffer.alloc(bytes, 7))
  run.end()
  endedAgo(store, run.runId, agoMs)
  return run.runId
}

function endedAgo(store: Store, id: string, agoMs: number): void {
  store.db.prepare('UPDATE runs SET ended_ms = ? WHERE id = ?').run(Date.now() - agoMs, id)
}

/** what a walk of every file finds: the same sum with nothing remembered */
function walked(store: Store): number {
  rmSync(runSizesFile(store.home), {force: true})
  const bytes = storeBytes(store)
  rmSync(runSizesFile(store.home), {force: true})
  return bytes
}

const remembered = (store: Store): Record<string, {key: string; bytes: number}> => JSON.parse(readFileSync(runSizesFile(store.home), 'utf8'))

const addFile = (store: Store, id: string, name: string, bytes: number): void => {
  mkdirSync(runBlobDir(store.blobDir, id), {recursive: true})
  writeFileSync(join(runBlobDir(store.blobDir, id), name), Buffer.alloc(bytes))
}

test('remembered sizes add up to what a walk finds, and each run keeps its own', (t) => {
  const store = storeIn(t)
  const a = finished(store, 2 * MiB, LONG_AGO)
  const b = finished(store, 3 * MiB, LONG_AGO)
  const expected = walked(store)
  t.is(storeBytes(store), expected, 'measured, then remembered')
  const memo = remembered(store)
  t.deepEqual(Object.keys(memo).sort(), [a, b].sort())
  t.true(memo[a]!.bytes >= 2 * MiB && memo[a]!.bytes < 3 * MiB, 'a: its own size')
  t.true(memo[b]!.bytes >= 3 * MiB, 'b: its own size')
  t.is(storeBytes(store), expected, 'from what was remembered')
})

test('a run long ended is not walked again; a run running or just ended is walked each time', (t) => {
  const store = storeIn(t)
  const old = finished(store, MiB, LONG_AGO)
  const recent = finished(store, MiB, 1000)
  const before = storeBytes(store)
  t.deepEqual(Object.keys(remembered(store)), [old])
  // a file appears in each folder (rayts never adds to a run long ended: this shows it is not read)
  addFile(store, old, 'late', 4096)
  addFile(store, recent, 'settling', 4096)
  t.is(storeBytes(store), before + 4096, 'the run just ended is walked, the old one remembered')
  t.is(walked(store), before + 2 * 4096)
})

test('a resumed run is measured again, and a removed run is forgotten', (t) => {
  const store = storeIn(t)
  const a = finished(store, MiB, LONG_AGO)
  const b = finished(store, MiB, LONG_AGO)
  storeBytes(store)
  const key = remembered(store)[a]!.key
  // resumed: a new session, running, then ended again long ago with more in its folder
  store.db.prepare("UPDATE runs SET session = session + 1, state = 'running', ended_ms = NULL WHERE id = ?").run(a)
  addFile(store, a, 'resumed', 8192)
  t.is(storeBytes(store), walked(store))
  store.db.prepare("UPDATE runs SET state = 'succeeded' WHERE id = ?").run(a)
  endedAgo(store, a, LONG_AGO)
  const ended = storeBytes(store)
  t.not(remembered(store)[a]!.key, key)
  t.is(ended, walked(store))
  t.is(storeBytes(store), ended, 'remembered at its new size')
  // removed: its folder goes, so does what was remembered of it
  rmSync(runBlobDir(store.blobDir, b), {recursive: true})
  store.db.prepare('DELETE FROM runs WHERE id = ?').run(b)
  t.is(storeBytes(store), walked(store))
  storeBytes(store)
  t.deepEqual(Object.keys(remembered(store)), [a])
})

test('a damaged or missing memo is measured again, never trusted', (t) => {
  const store = storeIn(t)
  finished(store, MiB, LONG_AGO)
  const expected = walked(store)
  writeFileSync(runSizesFile(store.home), '{"not json')
  t.is(storeBytes(store), expected)
  const id = Object.keys(remembered(store))[0]!
  writeFileSync(runSizesFile(store.home), JSON.stringify({[id]: {key: remembered(store)[id]!.key, bytes: 'lots'}}))
  t.is(storeBytes(store), expected)
  t.true(existsSync(runSizesFile(store.home)))
})
