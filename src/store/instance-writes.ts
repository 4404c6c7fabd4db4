// The instance rows' writes of one flush. Every task goes ready → running → succeeded, often
// within one flush: only the latest of these three states is written, for all instances of
// the flush at once (one statement through json_each, values sliced out of one blob). A
// reader sees exactly what per-event writes would have left at the end of the transaction.
// Before any other change to an instance (a failure, a skip...), its pending state is written
// first, so the order of changes to one instance is kept.
import type Database from 'better-sqlite3'
import type {InstanceInfo, TaskError} from '../runtime/events.js'

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
}

export interface SucceededRow {
  readonly attempt: number
  readonly pid: number | null
  readonly startedAt: number
  readonly t: number
  readonly error: TaskError | null
  readonly value: Buffer | null
  readonly file: string | null
  readonly has: boolean
}

export class InstanceWrites {
  private hot = new Map<string, Hot>()
  private readonly q

  constructor(private readonly db: Database.Database) {
    this.q = {
      upsertMany: db.prepare(`INSERT INTO instances (run_id, name, idx, task, findex, ord, state, session)
        SELECT @run, r.value->>0, r.value->>1, r.value->>2, r.value->>3, @ord + r.key, r.value->>4, @session FROM json_each(@rows) AS r WHERE true
        ON CONFLICT (run_id, name) DO UPDATE SET idx = excluded.idx, task = excluded.task, findex = excluded.findex,
          session = excluded.session,
          state = CASE WHEN state = 'succeeded' THEN state ELSE excluded.state END,
          error = CASE WHEN state = 'succeeded' THEN error ELSE NULL END,
          attempt = CASE WHEN state = 'succeeded' THEN attempt ELSE 0 END,
          pid = CASE WHEN state = 'succeeded' THEN pid ELSE NULL END`),
      // `run_id = coalesce(r.value->>99, @run)` (always @run) ties the run id to the row, so
      // SQLite loops over the rows and finds each by primary key. With a plain `= @run` it
      // scans the run's instances for every row: measured 50 s for 1,000 rows among 20,000.
      ready: db.prepare(`UPDATE instances SET state = 'ready' FROM json_each(@rows) AS r
        WHERE instances.run_id = coalesce(r.value->>99, @run) AND instances.name = r.value->>0`),
      running: db.prepare(`UPDATE instances SET state = 'running', attempt = r.value->>1, pid = r.value->>2, started_t = r.value->>3,
          ended_t = NULL, session = @session
        FROM json_each(@rows) AS r WHERE instances.run_id = coalesce(r.value->>99, @run) AND instances.name = r.value->>0`),
      // r: [name, attempt, pid, began, t, error, offset, length, file, has]; offset is 1-based into @blob
      succeeded: db.prepare(`UPDATE instances SET state = 'succeeded', attempt = r.value->>1, pid = r.value->>2,
          started_t = r.value->>3, ended_t = r.value->>4, error = r.value->>5,
          value = CASE WHEN r.value->>7 IS NULL THEN NULL ELSE substr(@blob, r.value->>6, r.value->>7) END,
          value_file = r.value->>8, has_value = r.value->>9, session = @session
        FROM json_each(@rows) AS r WHERE instances.run_id = coalesce(r.value->>99, @run) AND instances.name = r.value->>0`),
    }
  }

  /**
   * New instances (run-start, a dynamic fan-out), `ord` numbering them from `firstOrd`. With
   * `takeReady`, those whose pending state is `ready` are inserted as ready (one write).
   */
  insert(run: string, session: number, firstOrd: number, list: readonly InstanceInfo[], takeReady = false): void {
    const rows = new Array<unknown>(list.length)
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!
      let state = 'pending'
      if (takeReady && this.hot.get(i.name)?.kind === READY) {
        this.hot.delete(i.name)
        state = 'ready'
      }
      rows[k] = [i.name, i.idx, i.task, i.index, state]
    }
    this.q.upsertMany.run({run, session, ord: firstOrd, rows: JSON.stringify(rows)})
  }

  ready(name: string): void {
    const h = this.hot.get(name)
    if (h) h.kind = READY
    else this.hot.set(name, {kind: READY, attempt: 0, pid: null, started: 0, ended: null, error: null, value: null, file: null, has: 0})
  }

  running(name: string, attempt: number, pid: number | null, t: number): void {
    this.hot.set(name, {kind: RUNNING, attempt, pid, started: t, ended: null, error: null, value: null, file: null, has: 0})
  }

  succeeded(name: string, r: SucceededRow): void {
    this.hot.set(name, {
      kind: SUCCEEDED,
      attempt: r.attempt,
      pid: r.pid,
      started: r.startedAt,
      ended: r.t,
      error: r.error ? JSON.stringify(r.error) : null,
      value: r.value,
      file: r.file,
      has: r.has ? 1 : 0,
    })
  }

  /** write the pending state of `name` now (another kind of change to it follows) */
  settle(run: string, session: number, name: string): void {
    const h = this.hot.get(name)
    if (!h) return
    this.hot.delete(name)
    this.write(run, session, new Map([[name, h]]))
  }

  /** write every pending state */
  flush(run: string, session: number): void {
    if (this.hot.size === 0) return
    const hot = this.hot
    this.hot = new Map()
    this.write(run, session, hot)
  }

  /** forget what is pending (the transaction that held it rolled back: the events are replayed) */
  discard(): void {
    this.hot = new Map()
  }

  private write(run: string, session: number, hot: Map<string, Hot>): void {
    const ready: unknown[] = []
    const running: unknown[] = []
    const succeeded: unknown[] = []
    const blobs: Buffer[] = []
    let offset = 1
    for (const [name, h] of hot) {
      if (h.kind === READY) ready.push([name])
      else if (h.kind === RUNNING) running.push([name, h.attempt, h.pid, h.started])
      else {
        let at: number | null = null
        let length: number | null = null
        if (h.value) {
          at = offset
          length = h.value.length
          offset += length
          blobs.push(h.value)
        }
        succeeded.push([name, h.attempt, h.pid, h.started, h.ended, h.error, at, length, h.file, h.has])
      }
    }
    if (ready.length > 0) this.q.ready.run({run, rows: JSON.stringify(ready)})
    if (running.length > 0) this.q.running.run({run, session, rows: JSON.stringify(running)})
    if (succeeded.length > 0) {
      this.q.succeeded.run({run, session, rows: JSON.stringify(succeeded), blob: blobs.length === 1 ? blobs[0]! : Buffer.concat(blobs)})
    }
  }
}
