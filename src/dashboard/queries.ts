// Every read the dashboard makes of the store, in one file: when the schema changes, this
// is the file that follows. Each query is bounded (a page of rows, a capped list), so the
// server's memory does not grow with the size of a run.
import type {Store} from '../store/db.js'
import {decodeEventRow} from '../store/record/event-block.js'
import {runStartReader} from '../store/record/stored-run-start.js'
import {loadValue} from '../store/query/results.js'
import {getRun, instanceError, toRunRecord, type RunRecord} from '../store/query/runs.js'
import {waitReasons} from '../store/query/waiting.js'
import type {RunEvent, TaskFailure} from '../core/events.js'
import {nowMicros} from '../core/clock.js'
import {hostname} from 'node:os'
import {syncInstanceRows} from '../store/record/instance-rows.js'

type Row = Record<string, unknown>

const MAX_RUNS = 200
const MAX_PAGE = 500
export const MAX_LOG_LINES = 1000

export type Counts = Record<string, number>

export interface RunSummary {
  readonly id: string
  readonly graph: string | null
  readonly file: string | null
  readonly state: string
  readonly host: string
  readonly createdMs: number
  readonly startedMs: number | null
  readonly endedMs: number | null
  /** wall-clock ms from start to end (or to now while it runs) */
  readonly durationMs: number | null
  readonly total: number
  readonly counts: Counts
}

export interface InstanceRow {
  readonly name: string
  readonly task: string
  readonly state: string
  readonly attempt: number
  readonly pid: number | null
  /** µs; null until it ends */
  readonly durationUs: number | null
  readonly errorKind: string | null
  readonly hasValue: boolean
}

export interface InstancePage {
  readonly total: number
  readonly offset: number
  readonly rows: readonly InstanceRow[]
}

export interface InstanceFilter {
  readonly state?: string
  readonly task?: string
  /** a substring of the name */
  readonly search?: string
  readonly offset: number
  readonly limit: number
}

export interface AttemptRow {
  readonly session: number
  readonly attempt: number
  readonly pid: number | null
  readonly state: string
  readonly durationUs: number | null
  readonly error: TaskFailure | null
}

export interface LogRow {
  readonly id: number
  readonly name: string
  readonly attempt: number
  readonly stream: string
  readonly text: string
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

function summarize(run: RunRecord, counts: Counts, now: number): RunSummary {
  const start = run.startedMs ?? run.createdMs
  const active = run.state === 'running' || run.state === 'submitted'
  let total = 0
  for (const n of Object.values(counts)) total += n
  return {
    id: run.id,
    graph: run.graph,
    file: run.file,
    state: run.state,
    host: run.host,
    createdMs: run.createdMs,
    startedMs: run.startedMs,
    endedMs: run.endedMs,
    durationMs: run.endedMs !== null ? run.endedMs - start : active ? now - start : null,
    total,
    counts,
  }
}

export function countStates(store: Store, runId: string): Counts {
  syncInstanceRows(store, runId)
  const rows = store.db.prepare('SELECT state, COUNT(*) AS n FROM instances WHERE run_id = ? GROUP BY state').all(runId) as Row[]
  const counts: Counts = {}
  for (const r of rows) counts[String(r.state)] = Number(r.n)
  return counts
}

/** how a run's counts are had: straight from the store, or through a cache (counts-cache.ts) */
export type CountsOf = (store: Store, run: RunRecord) => Counts

const freshCounts: CountsOf = (store, run) => countStates(store, run.id)

/** The newest runs first, with their instance counts by state. */
export function listRunSummaries(store: Store, countsOf: CountsOf = freshCounts, limit = MAX_RUNS): RunSummary[] {
  const rows = store.db.prepare('SELECT * FROM runs ORDER BY created_ms DESC, id DESC LIMIT ?').all(Math.min(limit, MAX_RUNS)) as Row[]
  const now = Date.now()
  return rows.map((r) => {
    const run = toRunRecord(r)
    return summarize(run, countsOf(store, run), now)
  })
}

export function runSummary(store: Store, runId: string, countsOf: CountsOf = freshCounts): RunSummary | null {
  const run = getRun(store, runId)
  return run ? summarize(run, countsOf(store, run), Date.now()) : null
}

/**
 * task → how many instances it has, by name. From the (run_id, task) index alone: ordering by
 * first appearance (MIN(ord)) reads every row, 56–84 ms for 100,000 instances against 6–12.
 */
export function taskCounts(store: Store, runId: string): {task: string; count: number}[] {
  syncInstanceRows(store, runId)
  const rows = store.db.prepare('SELECT task, COUNT(*) AS n FROM instances WHERE run_id = ? GROUP BY task ORDER BY task').all(runId) as Row[]
  return rows.map((r) => ({task: String(r.task), count: Number(r.n)}))
}

/** task → state → count, for the task graph's colours */
export function taskStateCounts(store: Store, runId: string): Map<string, Counts> {
  syncInstanceRows(store, runId)
  const rows = store.db.prepare('SELECT task, state, COUNT(*) AS n FROM instances WHERE run_id = ? GROUP BY task, state').all(runId) as Row[]
  const out = new Map<string, Counts>()
  for (const r of rows) {
    const task = String(r.task)
    let c = out.get(task)
    if (!c) out.set(task, (c = {}))
    c[String(r.state)] = Number(r.n)
  }
  return out
}

/**
 * An attempt's duration in µs: end − start, or, while it runs, now − start (the monotonic
 * clock is the machine's, shared with the run's processes; a run of another host would
 * not share it, and its running rows show no duration).
 */
function elapsed(state: string, started: number | null, ended: number | null, now: number | null): number | null {
  if (started === null) return null
  if (ended !== null) return ended - started
  return state === 'running' && now !== null && now >= started ? now - started : null
}

function activeRun(store: Store, runId: string): boolean {
  const r = store.db.prepare('SELECT state FROM runs WHERE id = ?').get(runId) as Row | undefined
  return r?.state === 'running' || r?.state === 'submitted'
}

/** this machine's monotonic clock when the run is of this host, else null */
function localNow(store: Store, runId: string): number | null {
  const r = store.db.prepare('SELECT host FROM runs WHERE id = ?').get(runId) as Row | undefined
  return r && String(r.host) === hostname() ? nowMicros() : null
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** One page of a run's instances, in the order they appeared, filtered on the server. */
export function instancePage(store: Store, runId: string, filter: InstanceFilter): InstancePage {
  syncInstanceRows(store, runId)
  const where = ['run_id = ?']
  const params: unknown[] = [runId]
  if (filter.state) {
    where.push('state = ?')
    params.push(filter.state)
  }
  if (filter.task) {
    where.push('task = ?')
    params.push(filter.task)
  }
  if (filter.search) {
    where.push("name LIKE ? ESCAPE '\\'")
    params.push(`%${likeEscape(filter.search)}%`)
  }
  const clause = where.join(' AND ')
  const total = Number((store.db.prepare(`SELECT COUNT(*) AS n FROM instances WHERE ${clause}`).get(params) as Row).n)
  const limit = Math.max(1, Math.min(MAX_PAGE, filter.limit))
  const now = localNow(store, runId)
  const offset = Math.max(0, filter.offset)
  const rows = store.db
    .prepare(`SELECT name, task, state, attempt, pid, started_t, ended_t, error, has_value FROM instances WHERE ${clause} ORDER BY ord LIMIT ? OFFSET ?`)
    .all([...params, limit, offset]) as Row[]
  return {
    total,
    offset,
    rows: rows.map((r) => {
      const started = num(r.started_t)
      const ended = num(r.ended_t)
      const state = String(r.state)
      const error = instanceError(state, r.error)
      return {
        name: String(r.name),
        task: String(r.task),
        state,
        attempt: Number(r.attempt),
        pid: num(r.pid),
        durationUs: elapsed(state, started, ended, now),
        errorKind: error ? error.kind : null,
        hasValue: Number(r.has_value) === 1,
      }
    }),
  }
}

/** an instance's row, with its whole error (not just its kind) and its attempts */
export interface InstanceDetail extends Omit<InstanceRow, 'errorKind'> {
  readonly error: TaskFailure | null
  readonly attempts: readonly AttemptRow[]
  /** what it waits for, while it waits (pending, ready, retrying in an active run) */
  readonly waitsFor: string | null
}

export function instanceDetail(store: Store, runId: string, name: string): InstanceDetail | null {
  syncInstanceRows(store, runId)
  const r = store.db
    .prepare('SELECT name, task, state, attempt, pid, started_t, ended_t, error, has_value FROM instances WHERE run_id = ? AND name = ?')
    .get(runId, name) as Row | undefined
  if (!r) return null
  const attempts = (
    store.db
      .prepare('SELECT session, attempt, pid, start_t, began_t, end_t, state, error FROM attempts WHERE run_id = ? AND name = ? ORDER BY session, attempt LIMIT 1000')
      .all(runId, name) as Row[]
  ).map((a) => {
    const start = num(a.began_t) ?? num(a.start_t)
    const end = num(a.end_t)
    return {
      session: Number(a.session),
      attempt: Number(a.attempt),
      pid: num(a.pid),
      state: String(a.state),
      durationUs: start !== null && end !== null ? end - start : null,
      error: a.error ? (JSON.parse(String(a.error)) as TaskFailure) : null,
    }
  })
  const started = num(r.started_t)
  const ended = num(r.ended_t)
  const error = instanceError(String(r.state), r.error)
  const duration = elapsed(String(r.state), started, ended, localNow(store, runId))
  // the store keeps a row per failed attempt only: the instance's own last attempt is added
  // when it is not among them
  const last = Number(r.attempt)
  const all = attempts.some((a) => a.attempt === last) || last === 0
    ? attempts
    : [...attempts, {session: 0, attempt: last, pid: num(r.pid), state: String(r.state), durationUs: duration, error}]
  return {
    name: String(r.name),
    task: String(r.task),
    state: String(r.state),
    attempt: last,
    pid: num(r.pid),
    durationUs: duration,
    error,
    hasValue: Number(r.has_value) === 1,
    attempts: all,
    waitsFor: activeRun(store, runId) ? (waitReasons(store, runId, [name]).get(name)?.text ?? null) : null,
  }
}

/** The stored value of a succeeded instance; `found: false` when there is none. */
export function instanceValue(store: Store, runId: string, name: string): {found: boolean; value: unknown} {
  syncInstanceRows(store, runId)
  const r = store.db.prepare("SELECT 1 FROM instances WHERE run_id = ? AND name = ? AND state IN ('succeeded', 'cached') AND has_value = 1").get(runId, name)
  if (!r) return {found: false, value: undefined}
  return {found: true, value: loadValue(store, runId, name)}
}

/** Log lines after `afterId` (all instances, or one), at most `limit`. */
export function logsAfter(store: Store, runId: string, afterId: number, name: string | undefined, limit = MAX_LOG_LINES): LogRow[] {
  const cap = Math.max(1, Math.min(MAX_LOG_LINES, limit))
  const rows = (
    name
      ? store.db.prepare('SELECT id, name, attempt, stream, text FROM logs WHERE run_id = ? AND name = ? AND id > ? ORDER BY id LIMIT ?').all(runId, name, afterId, cap)
      : store.db.prepare('SELECT id, name, attempt, stream, text FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?').all(runId, afterId, cap)
  ) as Row[]
  return rows.map((r) => ({id: Number(r.id), name: String(r.name), attempt: Number(r.attempt), stream: String(r.stream), text: String(r.text)}))
}

/** The id of the last `tail` lines' predecessor: where a page opening the logs starts. */
export function logTailStart(store: Store, runId: string, name: string | undefined, tail: number): number {
  const r = (
    name
      ? store.db.prepare('SELECT id FROM logs WHERE run_id = ? AND name = ? ORDER BY id DESC LIMIT 1 OFFSET ?').get(runId, name, tail)
      : store.db.prepare('SELECT id FROM logs WHERE run_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?').get(runId, tail)
  ) as Row | undefined
  return r ? Number(r.id) : 0
}

/**
 * The events of the run's latest session, one stored block at a time: `visit` sees each
 * event, and no more than one block is held at once.
 */
function forEachEvent(store: Store, runId: string, visit: (e: RunEvent) => void): void {
  const run = getRun(store, runId)
  if (!run) return
  const rows = store.db.prepare('SELECT json, defs FROM events WHERE run_id = ? AND session = ? ORDER BY seq').iterate(runId, run.session) as IterableIterator<Row>
  for (const r of rows) {
    const block: RunEvent[] = []
    decodeEventRow(String(r.json), block, runStartReader(store.db, runId, r.defs))
    for (const e of block) visit(e)
  }
}

/** All the events of the latest session (the timeline needs them together). */
export function runEvents(store: Store, runId: string): RunEvent[] {
  const out: RunEvent[] = []
  forEachEvent(store, runId, (e) => out.push(e))
  return out
}

/** the run's latest session, or null when there is no such run */
export function latestSession(store: Store, runId: string): number | null {
  const r = store.db.prepare('SELECT session FROM runs WHERE id = ?').get(runId) as Row | undefined
  return r ? Number(r.session) : null
}

/** the seq of the session's last event row; -1 when it has none */
export function lastEventSeq(store: Store, runId: string, session: number): number {
  const r = store.db.prepare('SELECT MAX(seq) AS s FROM events WHERE run_id = ? AND session = ?').get(runId, session) as Row
  return r.s === null ? -1 : Number(r.s)
}

const INSTANCE_EVENT_ROWS = `SELECT json, defs FROM events WHERE run_id = ? AND session = ? AND seq > ?
  AND (instr(json, '"run-start"') > 0 OR instr(json, '"expanded"') > 0 OR instr(json, '"added"') > 0) ORDER BY seq`

/**
 * The run-start, expanded and added (a library session's tasks) events of a session after row `afterSeq`: only the rows holding
 * one are read and parsed (SQLite's instr() picks them; the rest may be most of the bytes).
 */
export function instanceEventsAfter(
  store: Store,
  runId: string,
  session: number,
  afterSeq: number,
  visit: (e: Extract<RunEvent, {type: 'run-start' | 'expanded' | 'added'}>) => void,
): void {
  for (const row of store.db.prepare(INSTANCE_EVENT_ROWS).iterate(runId, session, afterSeq) as IterableIterator<Row>) {
    const block: RunEvent[] = []
    decodeEventRow(String(row.json), block, runStartReader(store.db, runId, row.defs))
    for (const e of block) if (e.type === 'run-start' || e.type === 'expanded' || e.type === 'added') visit(e)
  }
}
