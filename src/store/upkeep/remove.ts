// Removing runs: every row a run has (in every table keyed by run_id), and its files.
// A run that is submitted or running is never removed.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import type Database from 'better-sqlite3'
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import {ACTIVE_STATES, getRun, listRuns, resolveRunId, type RunRecord, type StoredRunState} from '../query/runs.js'
import {reconcileRuns} from './reconcile.js'
import {removeRunBlobs, runBlobDir} from '../values.js'

export interface RemovedRun {
  readonly id: string
  readonly state: StoredRunState
  /** bytes of its files (rows are not counted: SQLite reuses their pages) */
  readonly fileBytes: number
}

const tablesOf = new WeakMap<Database.Database, string[]>()

/** The tables with a run_id column, read from the schema (so new tables are covered). */
function runTables(db: Database.Database): string[] {
  let tables = tablesOf.get(db)
  if (!tables) {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'runs'").pluck().all() as string[]
    tables = names.filter((t) => (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[]).includes('run_id'))
    tablesOf.set(db, tables)
  }
  return tables
}

const isActive = (state: StoredRunState): boolean => ACTIVE_STATES.includes(state)

/**
 * Remove one finished run: its rows, then its files. False when it is (again) active or
 * gone: the state is checked inside the transaction that deletes it.
 */
export function removeRun(store: Store, runId: string): RemovedRun | null {
  const run = getRun(store, runId)
  if (!run || isActive(run.state)) return null
  const fileBytes = treeBytes(runBlobDir(store.blobDir, runId))
  const removed = store.db.transaction(() => deleteRows(store, runId)).immediate()
  if (!removed) return null
  removeRunBlobs(store.blobDir, runId)
  return {id: runId, state: run.state, fileBytes}
}

/** the run's rows, when it is finished (inside a transaction); false when it is active or gone */
function deleteRows(store: Store, runId: string): boolean {
  const placeholders = ACTIVE_STATES.map(() => '?').join(', ')
  const gone = store.db.prepare(`DELETE FROM runs WHERE id = ? AND state NOT IN (${placeholders})`).run(runId, ...ACTIVE_STATES)
  if (gone.changes === 0) return false
  for (const t of runTables(store.db)) store.db.prepare(`DELETE FROM "${t}" WHERE run_id = ?`).run(runId)
  return true
}

/**
 * `rayts rm RUN...`: every RUN must exist and be finished, or nothing is removed. Checked and
 * removed in one transaction: a run resumed meanwhile (`run --resume` claims it in one too)
 * is refused, never removed under it. Lost runs are found first (a dead process's run is
 * finished).
 */
export function removeRuns(store: Store, refs: readonly string[]): RemovedRun[] {
  reconcileRuns(store)
  const ids = [...new Set(refs.map((r) => resolveRunId(store, r)))]
  const sizes = new Map(ids.map((id) => [id, treeBytes(runBlobDir(store.blobDir, id))]))
  const removed = store.db
    .transaction(() =>
      ids.map((id): RemovedRun => {
        const run = getRun(store, id)
        if (!run) throw new UsageError(`no run ${id} in ${store.home}: it was removed meanwhile`)
        if (isActive(run.state) || !deleteRows(store, id)) throw new UsageError(`run ${id} is ${run.state}: stop it first (rayts cancel ${id}), then remove it`)
        return {id, state: run.state, fileBytes: sizes.get(id)!}
      }),
    )
    .immediate()
  for (const r of removed) removeRunBlobs(store.blobDir, r.id)
  reclaimSpace(store)
  return removed
}

export interface PruneRule {
  /** keep the newest N finished runs */
  readonly keep?: number
  /** remove finished runs that ended (or were created) more than this long ago */
  readonly olderThanMs?: number
}

/** The finished runs a prune rule selects, oldest first. */
export function pruneCandidates(store: Store, rule: PruneRule, now = Date.now()): RunRecord[] {
  reconcileRuns(store)
  const finished = listRuns(store, Number.MAX_SAFE_INTEGER).filter((r) => !isActive(r.state))
  let chosen = finished
  if (rule.keep !== undefined) chosen = chosen.slice(rule.keep)
  if (rule.olderThanMs !== undefined) chosen = chosen.filter((r) => now - (r.endedMs ?? r.createdMs) > rule.olderThanMs!)
  return chosen.reverse()
}

export function pruneRuns(store: Store, rule: PruneRule, now = Date.now()): RemovedRun[] {
  const removed = pruneCandidates(store, rule, now).flatMap((r) => removeRun(store, r.id) ?? [])
  reclaimSpace(store)
  return removed
}

/**
 * Give freed pages back to the file system: at once in a store made with
 * auto_vacuum=INCREMENTAL; an older store is rebuilt (VACUUM) only while no run is active.
 */
export function reclaimSpace(store: Store): void {
  const db = store.db
  if (db.pragma('auto_vacuum', {simple: true}) === 2) {
    db.pragma('incremental_vacuum')
  } else if (Number(db.pragma('freelist_count', {simple: true})) > 0) {
    const active = db.prepare(`SELECT COUNT(*) FROM runs WHERE state IN (${ACTIVE_STATES.map(() => '?').join(', ')})`).pluck().get(...ACTIVE_STATES)
    if (Number(active) === 0) db.exec('VACUUM')
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
}

/** Bytes of the files under `path` (0 when it is not there). */
export function treeBytes(path: string): number {
  let st
  try {
    st = statSync(path)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.size
  let total = 0
  for (const name of readdirSync(path)) total += treeBytes(join(path, name))
  return total
}
