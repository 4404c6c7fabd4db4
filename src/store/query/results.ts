// Result values and the raw event history of a run.
import type {RunEvent} from '../../core/events.js'
import type {Store} from '../db.js'
import {decodeEventRow} from '../record/event-block.js'
import {syncInstanceRows} from '../record/instance-rows.js'
import {runStartReader} from '../record/stored-run-start.js'
import {loadRefs, relocateRefs} from '../../objects/read.js'
import {keptObjectDir} from '../kept-objects.js'
import {decodeValue, runBlobDir} from '../values.js'

type Row = Record<string, unknown>

/**
 * The stored value of one succeeded instance (`undefined` when it has none), its objects
 * read from the object store (an ObjectError when one is missing or corrupt).
 */
export function loadValue(store: Store, runId: string, name: string): unknown {
  syncInstanceRows(store, runId)
  const r = store.db
    .prepare("SELECT value, value_file FROM instances WHERE run_id = ? AND name = ? AND state IN ('succeeded', 'cached') AND has_value = 1")
    .get(runId, name) as Row | undefined
  if (!r) return undefined
  const value = decodeValue((r.value as Buffer | null) ?? null, (r.value_file as string | null) ?? null, runBlobDir(store.blobDir, runId))
  return loadRefs(value, keptObjectDir(store, runId))
}

/**
 * For resume: instance name → value, succeeded instances only. Object references stay
 * references, pointing at the run's kept objects on disk (the resumed run's workers read
 * them there; nothing is copied through the runner).
 */
export function loadResults(store: Store, runId: string): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const dir = runBlobDir(store.blobDir, runId)
  const kept = keptObjectDir(store, runId)
  syncInstanceRows(store, runId)
  const rows = store.db
    .prepare("SELECT name, value, value_file FROM instances WHERE run_id = ? AND state IN ('succeeded', 'cached') AND has_value = 1 ORDER BY ord")
    .iterate(runId) as IterableIterator<Row>
  for (const r of rows) {
    out.set(String(r.name), relocateRefs(decodeValue((r.value as Buffer | null) ?? null, (r.value_file as string | null) ?? null, dir), kept))
  }
  return out
}

export interface ReadEventsOptions {
  /** which run-start..run-end session: the latest (default), a number, or all of them */
  readonly session?: number | 'all'
}

/**
 * The run's events as they were emitted (values left out of `succeeded`). By default only
 * the latest session: a resumed run's earlier sessions used another monotonic clock.
 */
export function readEvents(store: Store, runId: string, options: ReadEventsOptions = {}): RunEvent[] {
  const wanted = options.session ?? latestSession(store, runId)
  const rows = (
    wanted === 'all'
      ? store.db.prepare('SELECT json, defs FROM events WHERE run_id = ? ORDER BY seq').all(runId)
      : store.db.prepare('SELECT json, defs FROM events WHERE run_id = ? AND session = ? ORDER BY seq').all(runId, wanted)
  ) as Row[]
  const out: RunEvent[] = []
  for (const r of rows) decodeEventRow(String(r.json), out, runStartReader(store.db, runId, r.defs))
  return out
}

function latestSession(store: Store, runId: string): number {
  const r = store.db.prepare('SELECT session FROM runs WHERE id = ?').get(runId) as Row | undefined
  return r ? Number(r.session) : 0
}

export interface LogLine {
  readonly id: number
  readonly name: string
  readonly attempt: number
  readonly session: number
  readonly stream: 'stdout' | 'stderr'
  readonly text: string
}

export function readLogs(store: Store, runId: string, opts: {names?: readonly string[]; afterId?: number} = {}): LogLine[] {
  const after = opts.afterId ?? 0
  const rows = store.db
    .prepare('SELECT id, name, attempt, session, stream, text FROM logs WHERE run_id = ? AND id > ? ORDER BY id')
    .all(runId, after) as Row[]
  const only = opts.names ? new Set(opts.names) : null
  return rows
    .filter((r) => !only || only.has(String(r.name)))
    .map((r) => ({
      id: Number(r.id),
      name: String(r.name),
      attempt: Number(r.attempt),
      session: Number(r.session),
      stream: r.stream as 'stdout' | 'stderr',
      text: String(r.text),
    }))
}
