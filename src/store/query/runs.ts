// Reading runs: rows as typed objects, `last`, listing.
import type {TaskFailure} from '../../core/events.js'
import type {Store} from '../db.js'
import {checkRunRef, UsageError} from '../ids.js'
import {parseMeta, type RunMeta} from './meta.js'
import {syncInstanceRows} from '../record/instance-rows.js'

export type StoredRunState = 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost'

export interface RunRecord {
  readonly id: string
  readonly graph: string | null
  readonly file: string | null
  readonly state: StoredRunState
  readonly pid: number | null
  readonly pidStart: string | null
  readonly host: string
  readonly session: number
  readonly createdMs: number
  readonly startedMs: number | null
  readonly resumedMs: number | null
  readonly endedMs: number | null
  readonly heartbeatMs: number | null
  readonly wallMs: number | null
  readonly t0: number | null
  readonly capacity: Readonly<Record<string, number>>
  readonly outputs: readonly string[]
  readonly meta: RunMeta | null
}

export const ACTIVE_STATES: readonly StoredRunState[] = ['submitted', 'running']

type Row = Record<string, unknown>

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export function toRunRecord(r: Row): RunRecord {
  return {
    id: String(r.id),
    graph: (r.graph as string | null) ?? null,
    file: (r.file as string | null) ?? null,
    state: r.state as StoredRunState,
    pid: num(r.pid),
    pidStart: (r.pid_start as string | null) ?? null,
    host: String(r.host),
    session: Number(r.session),
    createdMs: Number(r.created_ms),
    startedMs: num(r.started_ms),
    resumedMs: num(r.resumed_ms),
    endedMs: num(r.ended_ms),
    heartbeatMs: num(r.heartbeat_ms),
    wallMs: num(r.wall_ms),
    t0: num(r.t0),
    capacity: r.capacity ? (JSON.parse(String(r.capacity)) as Record<string, number>) : {},
    outputs: r.outputs ? (JSON.parse(String(r.outputs)) as string[]) : [],
    meta: parseMeta((r.meta as string | null) ?? null),
  }
}

export function getRun(store: Store, runId: string): RunRecord | null {
  const row = store.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined
  return row ? toRunRecord(row) : null
}

/** A run id or `last` → the run id; a UsageError when it is malformed or unknown. */
export function resolveRunId(store: Store, ref: string): string {
  checkRunRef(ref)
  if (ref === 'last') {
    const row = store.db.prepare('SELECT id FROM runs ORDER BY created_ms DESC, id DESC LIMIT 1').get() as Row | undefined
    if (!row) throw new UsageError(`no runs yet in ${store.home}`)
    return String(row.id)
  }
  if (!getRun(store, ref)) throw new UsageError(`no run ${ref} in ${store.home} (see: rayts list)`)
  return ref
}

/** the newest `limit` runs (0: all of them) */
export function listRuns(store: Store, limit = 1000): RunRecord[] {
  const rows = store.db.prepare('SELECT * FROM runs ORDER BY created_ms DESC, id DESC LIMIT ?').all(limit > 0 ? limit : -1) as Row[]
  return rows.map(toRunRecord)
}

export function countRuns(store: Store): number {
  return Number(store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get())
}

export type InstanceCounts = Record<string, number>

export function countStates(store: Store, runId: string): InstanceCounts {
  syncInstanceRows(store, runId)
  const rows = store.db
    .prepare('SELECT state, COUNT(*) AS n FROM instances WHERE run_id = ? GROUP BY state')
    .all(runId) as Row[]
  const counts: InstanceCounts = {}
  for (const r of rows) counts[String(r.state)] = Number(r.n)
  return counts
}

export interface InstanceRecord {
  readonly name: string
  readonly task: string
  readonly index: number | null
  readonly state: string
  readonly attempt: number
  readonly pid: number | null
  readonly startedT: number | null
  readonly endedT: number | null
  readonly error: TaskFailure | null
  readonly hasValue: boolean
}

export const INSTANCE_COLS = 'name, task, findex, state, attempt, pid, started_t, ended_t, error, has_value'

export function toInstance(r: Row): InstanceRecord {
  return {
    name: String(r.name),
    task: String(r.task),
    index: num(r.findex),
    state: String(r.state),
    attempt: Number(r.attempt),
    pid: num(r.pid),
    startedT: num(r.started_t),
    endedT: num(r.ended_t),
    error: instanceError(String(r.state), r.error),
    hasValue: Number(r.has_value) === 1,
  }
}

/**
 * An instance row's error. Runs recorded before the `skipped` kind gave their skipped
 * instances the kind `cancelled`: read as `skipped`, as they are recorded now.
 */
export function instanceError(state: string, json: unknown): TaskFailure | null {
  if (!json) return null
  const e = JSON.parse(String(json)) as TaskFailure
  return state === 'skipped' && e.kind === 'cancelled' ? {...e, kind: 'skipped'} : e
}

export function listInstances(store: Store, runId: string): InstanceRecord[] {
  syncInstanceRows(store, runId)
  const rows = store.db
    .prepare(`SELECT ${INSTANCE_COLS} FROM instances WHERE run_id = ? ORDER BY ord`)
    .all(runId) as Row[]
  return rows.map(toInstance)
}

export function getInstance(store: Store, runId: string, name: string): InstanceRecord | null {
  syncInstanceRows(store, runId)
  const r = store.db.prepare(`SELECT ${INSTANCE_COLS} FROM instances WHERE run_id = ? AND name = ?`).get(runId, name) as
    | Row
    | undefined
  return r ? toInstance(r) : null
}

export function instancesOfTask(store: Store, runId: string, task: string): InstanceRecord[] {
  syncInstanceRows(store, runId)
  const rows = store.db
    .prepare(`SELECT ${INSTANCE_COLS} FROM instances WHERE run_id = ? AND task = ? ORDER BY findex, ord`)
    .all(runId, task) as Row[]
  return rows.map(toInstance)
}
