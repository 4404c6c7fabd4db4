// The run store's side of the object store: which objects a run's recorded results refer
// to (those are kept, under $RAYTS_HOME/blobs/RUN/objects/), the end of a run's hot folder,
// and the hot folders of runners that died (found by every reader command, via reconcile).
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {collectRefs} from '../objects/read.js'
import {REF_KEY, type ObjectRef} from '../objects/ref.js'
import {LIVE_DIR, readPointer, RunObjects, settleFolders} from '../objects/run-objects.js'
import type {Store} from './db.js'
import {sameProcessAlive} from './processes.js'
import {decodeValue, runBlobDir} from './values.js'

type Row = Record<string, unknown>

/** where a run's kept (and spilled) objects are */
export function keptObjectDir(store: Store, runId: string): string {
  return join(runBlobDir(store.blobDir, runId), 'objects')
}

// v8.serialize writes the key as a one-byte string: a row without these bytes holds no reference
const REF_BYTES = Buffer.from(REF_KEY, 'latin1')

/** the objects that the run's succeeded results refer to, by id */
export function storedObjectIds(store: Store, runId: string): Map<string, ObjectRef> {
  const ids = new Map<string, ObjectRef>()
  const rows = store.db
    .prepare(`SELECT value, value_file FROM instances WHERE run_id = ? AND state = 'succeeded' AND has_value = 1
      AND (value_file IS NOT NULL OR instr(value, ?) > 0)`)
    .iterate(runId, REF_BYTES) as IterableIterator<Row>
  const dir = runBlobDir(store.blobDir, runId)
  for (const r of rows) {
    try {
      collectRefs(decodeValue((r.value as Buffer | null) ?? null, (r.value_file as string | null) ?? null, dir), ids)
    } catch {
      // an unreadable value file: nothing of it to keep
    }
  }
  return ids
}

export function openRunObjects(store: Store, runId: string, budget: number | undefined, pidStart: string | null): RunObjects {
  return RunObjects.open(runId, {home: store.home, runBlobDir: runBlobDir(store.blobDir, runId), budget, pidStart})
}

/** the end of a run (succeeded, failed, cancelled): keep what its results refer to */
export function settleRunObjects(store: Store, objects: RunObjects): void {
  objects.settle(storedObjectIds(store, objects.config.run))
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
      settleFolders(p, storedObjectIds(store, p.run))
      settled.push(p.run)
    }
    rmSync(file, {force: true})
  }
  return settled
}
