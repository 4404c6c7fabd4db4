// The instance rows' writes of one sync of a run's rows with its events (instance-rows.ts).
// Every task goes ready → running → succeeded, often within one events row: only the latest
// of these three states is written, one row each. A reader sees exactly what per-event writes
// would have left at the end of the transaction. Before any other change to an instance (a
// failure, a skip...), its pending state is written first, so the order of changes to one
// instance is kept. Instances are found by their idx in the session (instances_idx).
import type Database from 'better-sqlite3'
import type {TaskFailure} from '../../core/events.js'
import type {InstanceDef} from './instance-defs.js'
import {prepareAll, type Statements} from './record-statements.js'

const READY = 0
const RUNNING = 1
const SUCCEEDED = 2

/** the latest hot state of one instance in this flush */
interface Hot {
  kind: number
  attempt: number
  pid: number | null
  started: number
  ended: number | null
  error: string | null
  value: Buffer | null
  file: string | null
  has: number
  /** a cache hit: stored as state `cached` */
  cached?: boolean
}

export interface SucceededRow {
  readonly attempt: number
  readonly pid: number | null
  readonly startedAt: number
  readonly t: number
  readonly error: TaskFailure | null
  readonly value: Buffer | null
  readonly file: string | null
  readonly has: boolean
  readonly cached?: boolean
}

// One statement run per row. Measured against one statement per flush over json_each
// (rows as a JSON array, values sliced out of one blob), 100,000 rows in batches of
// 5,000, one sitting: updates to succeeded 472 vs 1,278 ms, inserts 500 vs 1,224 ms:
// json_each parses a row's JSON again for each of its fields.
const INSTANCE_SQL = {
  upsert: `INSERT INTO instances (run_id, name, idx, task, findex, deps, ord, state, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, name) DO UPDATE SET idx = excluded.idx, task = excluded.task, findex = excluded.findex,
      deps = excluded.deps, session = excluded.session,
      state = CASE WHEN state IN ('succeeded', 'cached') THEN state ELSE excluded.state END,
      error = CASE WHEN state IN ('succeeded', 'cached') THEN error ELSE NULL END,
      attempt = CASE WHEN state IN ('succeeded', 'cached') THEN attempt ELSE 0 END,
      pid = CASE WHEN state IN ('succeeded', 'cached') THEN pid ELSE NULL END`,
  // a new row with its final state at once: what `upsert` then `succeeded` leave, in one write
  // (an existing row, a resumed run's, takes every column `succeeded` sets, as that update does)
  upsertSucceeded: `INSERT INTO instances (run_id, name, idx, task, findex, deps, ord, session, state, attempt, pid, started_t, ended_t, error, value, value_file, has_value)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, name) DO UPDATE SET idx = excluded.idx, task = excluded.task, findex = excluded.findex,
      deps = excluded.deps, session = excluded.session, state = excluded.state, attempt = excluded.attempt, pid = excluded.pid,
      started_t = excluded.started_t, ended_t = excluded.ended_t, error = excluded.error, value = excluded.value,
      value_file = excluded.value_file, has_value = excluded.has_value`,
  ready: `UPDATE instances SET state = 'ready' WHERE run_id = ? AND session = ? AND idx = ?`,
  running: `UPDATE instances SET state = 'running', attempt = ?, pid = ?, started_t = ?, ended_t = NULL
    WHERE run_id = ? AND session = ? AND idx = ?`,
  succeeded: `UPDATE instances SET state = ?, attempt = ?, pid = ?, started_t = ?, ended_t = ?, error = ?,
      value = ?, value_file = ?, has_value = ? WHERE run_id = ? AND session = ? AND idx = ?`,
  // started_t..ended_t is the last attempt's duration (src/format/duration.ts): from when it really began
  attemptFailed: `UPDATE instances SET state = ?, error = ?, started_t = ?, ended_t = ? WHERE run_id = ? AND session = ? AND idx = ?`,
  final: 'UPDATE instances SET state = ?, error = COALESCE(?, error), ended_t = COALESCE(ended_t, ?) WHERE run_id = ? AND session = ? AND idx = ?',
  // cancelled-rest: every instance not ended, in one statement however many there are
  cancelRest: `UPDATE instances SET state = 'cancelled', ended_t = COALESCE(ended_t, ?)
    WHERE run_id = ? AND state IN ('pending', 'ready', 'running', 'retrying')`,
  nameOf: 'SELECT name FROM instances WHERE run_id = ? AND session = ? AND idx = ?',
}

/** the statements of the instance rows, prepared once per writer and shared by its flushes */
export type InstanceStatements = Statements<typeof INSTANCE_SQL>

export const prepareInstanceStatements = (db: Database.Database): InstanceStatements => prepareAll(db, INSTANCE_SQL)

/** the instance writes of one sync: a sync whose transaction rolled back drops its object */
export class InstanceWrites {
  private hot = new Map<number, Hot>()

  constructor(
    private readonly q: InstanceStatements,
    private readonly run: string,
    private readonly session: number,
  ) {}

  /**
   * New instances (run-start, a dynamic fan-out, a library call), `ord` numbering them from
   * `firstOrd`. With `takeHot`, one whose pending state is `ready` is inserted as ready, and
   * one that already succeeded is inserted with its result: one write instead of two.
   */
  insert(firstOrd: number, list: readonly InstanceDef[], takeHot = false): void {
    const {upsert, upsertSucceeded} = this.q
    const {run, session} = this
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!
      const deps = i.deps && i.deps.length > 0 ? JSON.stringify(i.deps) : null
      let state = 'pending'
      const h = takeHot ? this.hot.get(i.idx) : undefined
      if (h?.kind === SUCCEEDED) {
        this.hot.delete(i.idx)
        upsertSucceeded.run(run, i.name, i.idx, i.task, i.index, deps, firstOrd + k, session, h.cached ? 'cached' : 'succeeded', h.attempt, h.pid, h.started, h.ended, h.error, h.value, h.file, h.has)
        continue
      }
      if (h?.kind === READY) {
        this.hot.delete(i.idx)
        state = 'ready'
      }
      upsert.run(run, i.name, i.idx, i.task, i.index, deps, firstOrd + k, state, session)
    }
  }

  ready(idx: number): void {
    const h = this.hot.get(idx)
    if (h) h.kind = READY
    else this.hot.set(idx, {kind: READY, attempt: 0, pid: null, started: 0, ended: null, error: null, value: null, file: null, has: 0})
  }

  running(idx: number, attempt: number, pid: number | null, t: number): void {
    this.hot.set(idx, {kind: RUNNING, attempt, pid, started: t, ended: null, error: null, value: null, file: null, has: 0})
  }

  succeeded(idx: number, r: SucceededRow): void {
    this.hot.set(idx, {
      kind: SUCCEEDED,
      attempt: r.attempt,
      pid: r.pid,
      started: r.startedAt,
      ended: r.t,
      error: r.error ? JSON.stringify(r.error) : null,
      value: r.value,
      file: r.file,
      has: r.has ? 1 : 0,
      cached: r.cached === true,
    })
  }

  /** write the pending state of `idx` now (another kind of change to it follows) */
  settle(idx: number): void {
    const h = this.hot.get(idx)
    if (!h) return
    this.hot.delete(idx)
    this.write(new Map([[idx, h]]))
  }

  /** write every pending state */
  flush(): void {
    if (this.hot.size === 0) return
    const hot = this.hot
    this.hot = new Map()
    this.write(hot)
  }

  /** forget the pending `ready` states (cancelled-rest is about to overwrite them) */
  dropReady(): void {
    for (const [idx, h] of this.hot) if (h.kind === READY) this.hot.delete(idx)
  }

  private write(hot: Map<number, Hot>): void {
    const {ready, running, succeeded} = this.q
    const {run, session} = this
    for (const [idx, h] of hot) {
      if (h.kind === READY) ready.run(run, session, idx)
      else if (h.kind === RUNNING) running.run(h.attempt, h.pid, h.started, run, session, idx)
      else succeeded.run(h.cached ? 'cached' : 'succeeded', h.attempt, h.pid, h.started, h.ended, h.error, h.value, h.file, h.has, run, session, idx)
    }
  }
}
