// Questions asked of a run of any size, answered in SQL (no pass over every row in JS):
// a filtered, limited instance list with its total and counts (`rayts status`), and a
// per-task summary (`rayts summary`, like `ray summary tasks`).
import type {Store} from '../db.js'
import {INSTANCE_COLS, toInstance, type InstanceRecord} from './runs.js'
import {syncInstanceRows} from '../record/instance-rows.js'

/** Every state an instance row may hold; `cached` is kept for results reused from a cache. */
export const INSTANCE_STATES = ['pending', 'ready', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled', 'lost', 'cached'] as const
export type InstanceStateName = (typeof INSTANCE_STATES)[number]

/** the default of `--limit`: a list this long prints in a blink */
export const DEFAULT_LIST_LIMIT = 1000

export interface InstanceFilter {
  readonly states?: readonly string[]
  readonly task?: string
  /** rows to return; 0 for all */
  readonly limit: number
}

export interface InstancePage {
  readonly instances: InstanceRecord[]
  /** instances that match the filter (all of them, not only those returned) */
  readonly total: number
  /** the matching instances by state */
  readonly counts: Record<string, number>
}

// The placeholder row of a dynamic fan-out (its task's name alone, beside the indexed
// instances it expanded into) is not an instance a user knows.
const NOT_PLACEHOLDER = `NOT (i.findex IS NULL AND i.name = i.task AND EXISTS (
  SELECT 1 FROM instances j WHERE j.run_id = i.run_id AND j.task = i.task AND j.findex IS NOT NULL))`

function where(runId: string, f: Omit<InstanceFilter, 'limit'>): {sql: string; params: unknown[]} {
  const parts = ['i.run_id = ?', NOT_PLACEHOLDER]
  const params: unknown[] = [runId]
  if (f.task !== undefined) {
    parts.push('i.task = ?')
    params.push(f.task)
  }
  if (f.states && f.states.length > 0) {
    parts.push(`i.state IN (${f.states.map(() => '?').join(', ')})`)
    for (const state of f.states) params.push(state)
  }
  return {sql: parts.join(' AND '), params}
}

export function queryInstances(store: Store, runId: string, f: InstanceFilter): InstancePage {
  syncInstanceRows(store, runId)
  const w = where(runId, f)
  const counts: Record<string, number> = {}
  let total = 0
  const rows = store.db.prepare(`SELECT i.state AS state, COUNT(*) AS n FROM instances i WHERE ${w.sql} GROUP BY i.state`).all(...w.params) as {state: string; n: number}[]
  for (const r of rows) {
    counts[r.state] = Number(r.n)
    total += Number(r.n)
  }
  const cols = INSTANCE_COLS.split(', ').map((c) => `i.${c}`).join(', ')
  const limit = f.limit > 0 ? ` LIMIT ${Math.floor(f.limit)}` : ''
  const list = store.db.prepare(`SELECT ${cols} FROM instances i WHERE ${w.sql} ORDER BY i.ord${limit}`).all(...w.params) as Record<string, unknown>[]
  return {instances: list.map(toInstance), total, counts}
}

export function hasTask(store: Store, runId: string, task: string): boolean {
  syncInstanceRows(store, runId)
  return store.db.prepare('SELECT 1 FROM instances WHERE run_id = ? AND task = ? LIMIT 1').get(runId, task) !== undefined
}

/** the names of a run's tasks, in order of first appearance */
export function taskNames(store: Store, runId: string): string[] {
  syncInstanceRows(store, runId)
  const rows = store.db.prepare('SELECT task FROM instances WHERE run_id = ? GROUP BY task ORDER BY MIN(ord)').all(runId) as {task: string}[]
  return rows.map((r) => r.task)
}

export interface TaskSummary {
  readonly task: string
  readonly total: number
  readonly states: Record<string, number>
  /** attempts after the first, over the task's instances */
  readonly retries: number
  /** the last attempt's duration of the instances that ended (nearest rank); null when none did */
  readonly durationMs: {readonly p50: number; readonly p95: number; readonly max: number} | null
  readonly error: {readonly name: string; readonly message: string; readonly count: number} | null
}

export function summarizeTasks(store: Store, runId: string): TaskSummary[] {
  syncInstanceRows(store, runId)
  const w = where(runId, {})
  const db = store.db
  const rows = db
    .prepare(`SELECT i.task AS task, i.state AS state, MIN(i.ord) AS first, COUNT(*) AS n, SUM(MAX(i.attempt - 1, 0)) AS retries
              FROM instances i WHERE ${w.sql} GROUP BY i.task, i.state`)
    .all(...w.params) as {task: string; state: string; first: number; n: number; retries: number}[]
  const tasks = new Map<string, {first: number; total: number; retries: number; states: Record<string, number>}>()
  for (const r of rows) {
    let t = tasks.get(r.task)
    if (!t) tasks.set(r.task, (t = {first: r.first, total: 0, retries: 0, states: {}}))
    t.first = Math.min(t.first, r.first)
    t.total += Number(r.n)
    t.retries += Number(r.retries)
    t.states[r.state] = Number(r.n)
  }
  const errors = db
    .prepare(
      `WITH e AS (
         SELECT i.task AS task, json_extract(i.error, '$.name') AS ename, json_extract(i.error, '$.message') AS emessage, COUNT(*) AS n
         FROM instances i WHERE i.run_id = ? AND i.error IS NOT NULL GROUP BY i.task, ename, emessage),
       r AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY task ORDER BY n DESC, ename, emessage) AS rn FROM e)
       SELECT task, ename AS name, emessage AS message, n FROM r WHERE rn = 1`,
    )
    .all(runId) as {task: string; name: string | null; message: string | null; n: number}[]
  const err = new Map(errors.map((e) => [e.task, e]))
  const durations = new TaskDurations(store, runId)
  return [...tasks]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([task, t]) => {
      const e = err.get(task)
      return {
        task,
        total: t.total,
        states: t.states,
        retries: t.retries,
        durationMs: durations.of(task),
        error: e ? {name: e.name ?? 'Error', message: e.message ?? '', count: Number(e.n)} : null,
      }
    })
}

// The last attempt's duration of each ended instance of a task, in micros. Nearest rank:
// the ceil(p * n)-th smallest, read with ORDER BY ... OFFSET (SQLite keeps only the rows up
// to the offset while it sorts), through the (run_id, task) index.
const ENDED = 'run_id = ? AND task = ? AND started_t IS NOT NULL AND ended_t IS NOT NULL'
const US = 'MAX(0, ended_t - started_t)'

class TaskDurations {
  private readonly stats
  private readonly rank

  constructor(store: Store, private readonly runId: string) {
    this.stats = store.db.prepare(`SELECT COUNT(*) AS n, MAX(${US}) AS max FROM instances WHERE ${ENDED}`)
    this.rank = store.db.prepare(`SELECT ${US} AS us FROM instances WHERE ${ENDED} ORDER BY us LIMIT 1 OFFSET ?`)
  }

  of(task: string): TaskSummary['durationMs'] {
    const s = this.stats.get(this.runId, task) as {n: number; max: number | null}
    if (!s.n || s.max === null) return null
    const at = (p: number): number => (this.rank.get(this.runId, task, Math.ceil(p * s.n) - 1) as {us: number}).us / 1000
    return {p50: at(0.5), p95: at(0.95), max: s.max / 1000}
  }
}
