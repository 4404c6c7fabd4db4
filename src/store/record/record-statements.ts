// The statements a run's writer uses (record-writer.ts, record-batch.ts), prepared once per writer.
import type Database from 'better-sqlite3'
import type {TaskFailure} from '../../core/events.js'

/** a failure as its column stores it (attempts.error, instances.error) */
export const errJson = (e: TaskFailure | null): string | null => (e ? JSON.stringify(e) : null)

/** prepared statements by name, as `sql` names them */
export type Statements<T> = {readonly [K in keyof T]: Database.Statement}

export function prepareAll<T extends Record<string, string>>(db: Database.Database, sql: T): Statements<T> {
  const out: Record<string, Database.Statement> = {}
  for (const [name, text] of Object.entries(sql)) out[name] = db.prepare(text)
  return out as Statements<T>
}

const RECORD_SQL = {
  runGet: 'SELECT session, started_ms FROM runs WHERE id = ?',
  runInsert: `INSERT INTO runs (id, graph, file, state, pid, pid_start, host, session, created_ms,
      started_ms, heartbeat_ms, wall_ms, t0, capacity, outputs, meta)
    VALUES (@id, @graph, @file, 'running', @pid, @pidStart, @host, 1, @wall, @wall, @now, @wall, @t0, @capacity, @outputs, @meta)`,
  runRestart: `UPDATE runs SET graph = @graph, file = @file, state = 'running', pid = @pid,
      pid_start = @pidStart, host = @host, session = @session, started_ms = COALESCE(started_ms, @wall),
      resumed_ms = CASE WHEN started_ms IS NULL THEN NULL ELSE @wall END, ended_ms = NULL,
      heartbeat_ms = @now, wall_ms = @wall, t0 = @t0, capacity = @capacity, outputs = @outputs, meta = @meta
    WHERE id = @id`,
  runEnd: 'UPDATE runs SET state = ?, ended_ms = ?, heartbeat_ms = ? WHERE id = ?',
  heartbeat: "UPDATE runs SET heartbeat_ms = ? WHERE id = ? AND state = 'running'",
  maxSeq: 'SELECT COALESCE(MAX(seq), 0) AS s FROM events WHERE run_id = ?',
  // attempt rows only for failed attempts and the end of a retried instance: the instance
  // row holds its last attempt, and the events hold every attempt for the timeline
  attempt: `INSERT OR REPLACE INTO attempts (run_id, session, name, attempt, pid, start_t, began_t, end_t, state, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  event: 'INSERT INTO events (run_id, seq, session, json, vals, vmeta, defs) VALUES (?, ?, ?, ?, ?, ?, ?)',
  log: 'INSERT INTO logs (run_id, session, name, attempt, stream, t, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
  pgroup: `INSERT INTO pgroups (run_id, pgid, pid_start, name, attempt, alive) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, pgid) DO UPDATE SET name = excluded.name, attempt = excluded.attempt, alive = excluded.alive,
      pid_start = COALESCE(excluded.pid_start, pid_start)`,
  worker: `INSERT INTO workers (run_id, pid, pid_start, alive) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, pid) DO UPDATE SET alive = excluded.alive, pid_start = COALESCE(excluded.pid_start, pid_start)`,
}

export type RecordStatements = Statements<typeof RECORD_SQL>

export const prepareRecordStatements = (db: Database.Database): RecordStatements => prepareAll(db, RECORD_SQL)
