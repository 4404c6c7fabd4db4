// The run store's side of the object store: which objects a run's recorded results refer
// to (those are kept, under $RAYTS_HOME/blobs/RUN/objects/), the end of a run's hot folder,
// and the hot folders of runners that died (found by every reader command, via reconcile).
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {collectRefs} from '../objects/read.js'
import {REF_KEY, type ObjectPointer} from '../objects/ref.js'
import {holdsObjects, LIVE_DIR, ObjectsNotKeptError, type ObjectsToKeep, type OnNotKept, readPointer, RunObjects, settleFolders} from '../objects/run-object-store.js'
import type {Store} from './db.js'
import type {ValueMeta} from './record/event-block.js'
import {syncInstanceRows} from './record/instance-rows.js'
import {sameProcessAlive} from './upkeep/processes.js'
import {decodeValue, runBlobDir} from './values.js'

type Row = Record<string, unknown>

/** where a run's kept (and spilled) objects are */
export function keptObjectDir(store: Store, runId: string): string {
  return join(runBlobDir(store.blobDir, runId), 'objects')
}

// v8.serialize writes the key as a one-byte string: a row without these bytes holds no reference
const REF_BYTES = Buffer.from(REF_KEY, 'latin1')

/** each succeeded result of the run that refers to objects, by its instance row: its name and their ids */
function* resultsWithRefs(store: Store, runId: string): Generator<{name: string; ids: Map<string, ObjectPointer>}> {
  const rows = store.db
    .prepare(`SELECT name, value, value_file FROM instances WHERE run_id = ? AND state IN ('succeeded', 'cached') AND has_value = 1
      AND (value_file IS NOT NULL OR instr(value, ?) > 0)`)
    .iterate(runId, REF_BYTES) as IterableIterator<Row>
  const dir = runBlobDir(store.blobDir, runId)
  for (const r of rows) {
    const ids = refsOf((r.value as Buffer | null) ?? null, (r.value_file as string | null) ?? null, dir)
    if (ids.size > 0) yield {name: String(r.name), ids}
  }
}

function refsOf(value: Buffer | null, file: string | null, dir: string, into: Map<string, ObjectPointer> = new Map()): Map<string, ObjectPointer> {
  try {
    collectRefs(decodeValue(value, file, dir), into)
  } catch {
    // an unreadable value file: nothing of it to keep
  }
  return into
}

/**
 * The objects that the run's results refer to, by id: those of every value in its events rows
 * (the record the run's writer wrote: read here at the end of a run without bringing its
 * instance rows up to date), and those of its instance rows (a store of before version 7).
 * A value recorded and later failed (its objects could not be kept) still counts: its
 * objects are kept if they can be, which only keeps more.
 */
function storedObjectIds(store: Store, runId: string): Map<string, ObjectPointer> {
  const ids = new Map<string, ObjectPointer>()
  const dir = runBlobDir(store.blobDir, runId)
  const rows = store.db
    .prepare("SELECT vals, vmeta FROM events WHERE run_id = ? AND vmeta IS NOT NULL AND (instr(vals, ?) > 0 OR instr(vmeta, '\"') > 0)")
    .iterate(runId, REF_BYTES) as IterableIterator<{vals: Buffer | null; vmeta: string}>
  for (const r of rows) {
    let offset = 0
    for (const m of JSON.parse(r.vmeta) as ValueMeta[]) {
      if (typeof m === 'string') refsOf(null, m, dir, ids)
      else if (typeof m === 'number') {
        const value = r.vals!.subarray(offset, (offset += m))
        if (value.includes(REF_BYTES)) refsOf(value, null, dir, ids)
      }
    }
  }
  for (const r of resultsWithRefs(store, runId)) for (const [id, ref] of r.ids) ids.set(id, ref)
  return ids
}

/**
 * Objects of the run could not be kept (a full disk): the results that refer to them are
 * recorded as failed with an ObjectError (so `--resume` computes them again), and a run that
 * succeeded as failed, in one transaction. Throws when the store cannot be written either.
 */
function recordNotKept(store: Store, runId: string, notKept: ReadonlySet<string>, why: string): string[] {
  syncInstanceRows(store, runId)
  const names: string[] = []
  for (const r of resultsWithRefs(store, runId)) if ([...r.ids.keys()].some((id) => notKept.has(id))) names.push(r.name)
  const error = JSON.stringify({kind: 'error', name: 'ObjectError', message: `its value could not be kept in ${keptObjectDir(store, runId)}: ${why}. Free some space, then: rayts run --resume ${runId}`})
  const {db} = store
  const files = db.transaction(() => {
    const files: string[] = []
    const fileOf = db.prepare('SELECT value_file FROM instances WHERE run_id = ? AND name = ?').pluck()
    const fail = db.prepare("UPDATE instances SET state = 'failed', error = ?, value = NULL, value_file = NULL, has_value = 0 WHERE run_id = ? AND name = ?")
    for (const name of names) {
      const file = fileOf.get(runId, name) as string | null
      if (file) files.push(file)
      fail.run(error, runId, name)
    }
    db.prepare("UPDATE runs SET state = 'failed' WHERE id = ? AND state = 'succeeded'").run(runId)
    return files
  }).immediate()
  for (const file of files) rmSync(join(runBlobDir(store.blobDir, runId), file), {force: true})
  return names
}

export function openRunObjects(store: Store, runId: string, budget: number | undefined, pidStart: string | null): RunObjects {
  return RunObjects.open(runId, {home: store.home, runBlobDir: runBlobDir(store.blobDir, runId), budget, pidStart})
}

/** the end of a run (succeeded, failed, cancelled): keep what its results refer to */
export function settleRunObjects(store: Store, objects: RunObjects): void {
  settleWith(store, objects.config, (keep, onNotKept) => objects.settle(keep, onNotKept))
}

/**
 * Settle with what the store keeps. When objects could not be kept, the results that needed
 * them are recorded as failed first; the ObjectsNotKeptError that follows names them.
 */
function settleWith(store: Store, folders: {run: string; dir: string; spill: string}, settle: (keep: ObjectsToKeep, onNotKept: OnNotKept) => void): void {
  const runId = folders.run
  let keep: ObjectsToKeep
  try {
    keep = storedObjectIds(store, runId)
  } catch (error) {
    // a store that cannot be read (damaged): objects stay for a later try, an empty folder goes
    if (holdsObjects(folders)) throw error
    keep = new Map()
  }
  let failed: string[] = []
  try {
    settle(keep, (notKept, why) => {
      failed = recordNotKept(store, runId, notKept, why)
    })
  } catch (error) {
    if (!(error instanceof ObjectsNotKeptError)) throw error
    const shown = failed.slice(0, 5).join(', ') + (failed.length > 5 ? `, … (${failed.length} in all)` : '')
    throw new ObjectsNotKeptError(`${error.message}. The values of ${shown} are gone: they are recorded as failed, and rayts run --resume ${runId} computes them again`, error.notKept)
  }
}

/**
 * The hot folders of runners that are gone (kill -9, power loss): their objects that the
 * store refers to move to disk, the rest is removed. Returns the runs settled.
 */
export function sweepLostObjects(store: Store): string[] {
  const live = join(store.home, LIVE_DIR)
  let names: string[]
  try {
    names = readdirSync(live)
  } catch {
    return []
  }
  const settled: string[] = []
  for (const name of names) {
    if (!name.endsWith('.json')) continue
    const file = join(live, name)
    const p = readPointer(file)
    if (p !== null && sameProcessAlive(p.pid, p.pidStart)) continue
    if (p !== null) {
      try {
        settleWith(store, p, (keep, onNotKept) => settleFolders(p, keep, onNotKept))
      } catch (error) {
        // the values that needed them are recorded as failed
        if (!(error instanceof ObjectsNotKeptError)) continue // still no room to record that: the hot copies stay for the next try
      }
      settled.push(p.run)
    }
    rmSync(file, {force: true})
  }
  return settled
}
