// The instance rows as a view of the run's events rows. A run's writer writes only events
// rows (one a flush: events, values, the run-start's instances); a reader brings the
// instance rows up to date before it reads them (syncInstanceRows), from the run's
// `synced_seq` on. So the run's own thread pays ~0.5 µs a task for its record instead of an
// insert and an update a task (~8 µs), and the rows are made once, by the first reader, in
// transactions of at most SYNC_EVENTS events so that a running writer never waits long.
// Any number of processes may sync the same run: each transaction starts again from the
// synced_seq it finds under the write lock.
import type Database from 'better-sqlite3'
import type {RunEvent, TaskFailure} from '../../core/events.js'
import type {Store} from '../db.js'
import {decodeEventItem, type ValueMeta} from './event-block.js'
import {decodeDefs, type InstanceDef} from './instance-defs.js'
import {type InstanceStatements, InstanceWrites, prepareInstanceStatements} from './instance-writes.js'
import {isStoredRunStart} from './stored-run-start.js'
import {errJson} from './record-statements.js'

/** events applied in one transaction, at most (the last events row may take it past) */
const SYNC_EVENTS = 20_000
/** events rows read at a time */
const ROWS_AT_ONCE = 4

interface EventsRow {
  readonly seq: number
  readonly session: number
  readonly json: string
  readonly vals: Buffer | null
  readonly vmeta: string | null
  readonly defs: string | null
}

interface SyncStatements {
  readonly behind: Database.Statement
  readonly position: Database.Statement
  readonly rows: Database.Statement
  readonly advance: Database.Statement
  readonly instances: InstanceStatements
}

const prepared = new WeakMap<Database.Database, SyncStatements>()

function statementsOf(db: Database.Database): SyncStatements {
  let s = prepared.get(db)
  if (!s) {
    s = {
      behind: db.prepare('SELECT r.synced_seq AS synced, (SELECT MAX(seq) FROM events WHERE run_id = r.id) AS last FROM runs r WHERE r.id = ?'),
      position: db.prepare('SELECT synced_seq AS seq, synced_ord AS ord FROM runs WHERE id = ?'),
      rows: db.prepare('SELECT seq, session, json, vals, vmeta, defs FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      advance: db.prepare('UPDATE runs SET synced_seq = ?, synced_ord = ? WHERE id = ?'),
      instances: prepareInstanceStatements(db),
    }
    prepared.set(db, s)
  }
  return s
}

/** whether the run's instance rows lag behind its events rows */
function behind(s: SyncStatements, runId: string): boolean {
  const r = s.behind.get(runId) as {synced: number; last: number | null} | undefined
  return r !== undefined && r.last !== null && r.last > r.synced
}

/**
 * Bring the run's instance rows up to date with its events rows. Cheap when they are (one
 * indexed read). A store that cannot be written now (full, read-only, locked past the busy
 * timeout) leaves the rows as they are: the reader sees the run as of the last sync.
 */
export function syncInstanceRows(store: Pick<Store, 'db'>, runId: string, eventsPerStep = SYNC_EVENTS): void {
  const {db} = store
  const s = statementsOf(db)
  if (!behind(s, runId)) return
  const step = db.transaction(() => syncStep(s, runId, eventsPerStep))
  try {
    while (step.immediate()) {
      // another step: the writer may take the lock between two
    }
  } catch (error) {
    const code = (error as {code?: unknown}).code
    if (code === 'SQLITE_FULL' || code === 'SQLITE_READONLY' || code === 'SQLITE_BUSY') return
    throw error
  }
}

/** one transaction's worth; true when rows may be left */
function syncStep(s: SyncStatements, runId: string, most: number): boolean {
  const at = s.position.get(runId) as {seq: number; ord: number} | undefined
  if (!at) return false
  const projection = new Projection(s.instances, runId, at.ord)
  let seq = at.seq
  let events = 0
  for (;;) {
    const rows = s.rows.all(runId, seq, ROWS_AT_ONCE) as EventsRow[]
    for (const row of rows) {
      events += projection.applyRow(row)
      seq = row.seq
      if (events >= most) break
    }
    if (rows.length < ROWS_AT_ONCE || events >= most) break
  }
  if (seq === at.seq) return false // another process synced it meanwhile: nothing to write
  projection.finish()
  s.advance.run(seq, projection.ord, runId)
  return events >= most
}

/** the events that change an instance only through its pending hot state, and those that touch no instance row */
const FOLDABLE = new Set<RunEvent['type']>(['ready', 'start', 'succeeded', 'added', 'expanded', 'log', 'worker-start', 'worker-exit', 'process-group', 'run-end'])

/** the changes of some events rows to the instance rows, applied in order */
class Projection {
  private session = 0
  private writes: InstanceWrites | null = null
  // The run-start's instances are inserted when the first event that needs their rows comes,
  // or at the end: the roots' `ready` events of its row are folded into the insert.
  private uninserted: readonly InstanceDef[] | null = null
  // Instances added during the run (a library call, a dynamic fan-out) wait for the end too,
  // with their `ord`: a call that ended meanwhile is inserted with its result.
  private added: {readonly ord: number; readonly list: readonly InstanceDef[]}[] = []

  constructor(
    private readonly q: InstanceStatements,
    private readonly runId: string,
    /** the next new row's ord */
    public ord: number,
  ) {}

  /** how many events the row held */
  applyRow(row: EventsRow): number {
    const items = JSON.parse(row.json) as unknown
    // a row without vmeta was written with its instance rows (a store of before version 7, or an older rayts)
    if (row.vmeta === null || !Array.isArray(items)) return Array.isArray(items) ? items.length : 1
    if (row.session !== this.session) {
      this.finish()
      this.session = row.session
      this.writes = new InstanceWrites(this.q, this.runId, row.session)
    }
    const meta = JSON.parse(row.vmeta) as ValueMeta[]
    let nextValue = 0
    let offset = 0
    for (const item of items as unknown[]) {
      if (isStoredRunStart(item)) {
        this.finish()
        this.uninserted = row.defs === null ? [] : decodeDefs(row.defs)
        continue
      }
      const e = decodeEventItem(item, () => {
        throw new Error('internal: a run-start with its instances in an events row of version 7')
      })
      if (e.type === 'succeeded') {
        const m = meta[nextValue++] ?? {e: 'its value is missing from the record'}
        let value: Buffer | null = null
        if (typeof m === 'number') {
          value = row.vals === null ? null : row.vals.subarray(offset, offset + m)
          offset += m
        }
        this.apply(e, {value, file: typeof m === 'string' ? m : null, error: typeof m === 'object' ? m.e : null})
      } else this.apply(e, null)
    }
    return items.length
  }

  private apply(e: RunEvent, stored: {value: Buffer | null; file: string | null; error: string | null} | null): void {
    const w = this.writes!
    if (this.uninserted !== null && e.type !== 'ready') this.insertStarted()
    if (this.added.length > 0 && !FOLDABLE.has(e.type)) this.insertAdded()
    switch (e.type) {
      case 'ready':
        w.ready(e.inst)
        return
      case 'start':
        w.running(e.inst, e.attempt, e.pid, e.t)
        return
      case 'succeeded':
        w.succeeded(e.inst, {
          attempt: e.attempt,
          pid: e.pid,
          startedAt: e.startedAt,
          t: e.t,
          error: stored?.error ? {kind: 'error', name: 'StoreError', message: stored.error} : null,
          value: stored?.value ?? null,
          file: stored?.file ?? null,
          has: stored !== null && stored.error === null,
          cached: e.cached !== undefined,
        })
        return
      case 'expanded':
      case 'added':
        this.added.push({ord: this.ord, list: e.instances})
        this.ord += e.instances.length
        return
      case 'attempt-failed':
        w.settle(e.inst)
        this.q.attemptFailed.run(e.retryAt === null ? 'running' : 'retrying', errJson(e.error), e.startedAt, e.t, this.runId, this.session, e.inst)
        return
      case 'failed':
        w.settle(e.inst)
        this.q.final.run('failed', errJson(e.error), e.t, this.runId, this.session, e.inst)
        return
      case 'skipped': {
        const because = (this.q.nameOf.pluck().get(this.runId, this.session, e.because) as string | undefined) ?? `#${e.because}`
        const error: TaskFailure = {kind: 'skipped', name: 'SkippedError', message: `skipped because ${because} failed`}
        w.settle(e.inst)
        this.q.final.run('skipped', errJson(error), e.t, this.runId, this.session, e.inst)
        return
      }
      case 'cancelled':
        w.settle(e.inst)
        this.q.final.run('cancelled', null, e.t, this.runId, this.session, e.inst)
        return
      case 'cancelled-rest':
        // the hot states first (what succeeded stays succeeded, a running attempt keeps its
        // pid and start), but not `ready` ones: the cancel overwrites them
        w.dropReady()
        w.flush()
        this.q.cancelRest.run(e.t, this.runId)
        return
      default:
        return
    }
  }

  /** every pending write, done */
  finish(): void {
    if (this.writes === null) return
    this.insertStarted()
    this.insertAdded()
    this.writes.flush()
  }

  private insertStarted(): void {
    const list = this.uninserted
    if (list === null) return
    this.uninserted = null
    this.writes!.insert(this.ord, list, true)
    this.ord += list.length
  }

  private insertAdded(): void {
    const added = this.added
    if (added.length === 0) return
    this.added = []
    for (const {ord, list} of added) this.writes!.insert(ord, list, true)
  }
}
