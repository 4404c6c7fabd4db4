// Writes a run's events to the store: buffered, and written in one transaction every
// FLUSH_MS (or at FLUSH_MAX events, at run-start a microtask later, and at once at run-end),
// so a huge run is not slowed by a transaction per event while readers still see each result
// within a few tens of milliseconds. Within a flush, an instance's row is written once with
// its latest state (instance-writes.ts) and the events go in one row (event-block.ts).
// It runs in the run's process (recorder.ts) or on a thread of its own (record-thread.ts).
import {hostname} from 'node:os'
import type {InstanceInfo, RunEvent, RunState, TaskError} from '../core/events.js'
import type {Store} from './db.js'
import {EventBlock} from './event-block.js'
import {InstanceWrites} from './instance-writes.js'
import type {RunMeta} from './meta.js'
import {processStartTime} from './processes.js'
import {runBlobDir, writeValueFile, type EncodedValue} from './values.js'

export const FLUSH_MS = 20
/**
 * A flush's size cap in events, for when the event loop is too busy for the timer. Flushes
 * are one transaction each: 1,000 events (~330 tasks) per flush measured 22 µs of recorder
 * CPU a task for 100k no-op tasks, 16,000 measured 15 µs (loaded machine, same sitting).
 */
export const FLUSH_MAX = 16_000
export const HEARTBEAT_MS = 1000
/** after a failed write (disk full), the next try waits this long */
export const RETRY_MS = 500

/** An event as the writer takes it: a result's value already encoded (its `value` is not read). */
export interface PendingEvent {
  readonly event: RunEvent
  readonly encoded: EncodedValue | null
  readonly valueError: string | null
  /** a new process's start time, read when its event arrives (against pid reuse) */
  readonly procStart: string | null
}

export interface RecordWriter {
  /** the run id, once run-start has been written */
  readonly runId: string | null
  readonly writeError: string | null
  /** buffer one event (run-end flushes and closes) */
  push(p: PendingEvent): void
  /** write everything buffered now */
  flush(): void
  /** flush and stop the heartbeat */
  close(): void
}

export interface WriterOptions {
  /** the run process (default: this one) */
  readonly pid?: number
  /** told once, at the first failed write (the writer keeps the events and retries) */
  readonly onWriteError?: (message: string) => void
  /** told after each failed write */
  readonly onFailing?: () => void
  /** told after each written batch, with its number of events */
  readonly onWritten?: (events: number) => void
}

type Row = Record<string, unknown>

export function createRecordWriter(store: Store, meta: RunMeta, options: WriterOptions = {}): RecordWriter {
  const {db} = store
  const pid = options.pid ?? meta.pid ?? process.pid
  const host = hostname()
  let runId: string | null = null
  let session = 0
  let seq = 0
  let ord = 0
  const names: string[] = []
  let endState: RunState | null = null
  let buffer: PendingEvent[] = []
  let timer: NodeJS.Timeout | null = null
  let heartbeat: NodeJS.Timeout | null = null
  let closed = false
  let warned = false
  let writeError: string | null = null

  const q = {
    runGet: db.prepare('SELECT session, started_ms FROM runs WHERE id = ?'),
    runInsert: db.prepare(`INSERT INTO runs (id, graph, file, state, pid, pid_start, host, session, created_ms,
        started_ms, heartbeat_ms, wall_ms, t0, capacity, outputs, meta)
      VALUES (@id, @graph, @file, 'running', @pid, @pidStart, @host, 1, @wall, @wall, @now, @wall, @t0, @capacity, @outputs, @meta)`),
    runRestart: db.prepare(`UPDATE runs SET graph = @graph, file = @file, state = 'running', pid = @pid,
        pid_start = @pidStart, host = @host, session = @session, started_ms = COALESCE(started_ms, @wall),
        resumed_ms = CASE WHEN started_ms IS NULL THEN NULL ELSE @wall END, ended_ms = NULL,
        heartbeat_ms = @now, wall_ms = @wall, t0 = @t0, capacity = @capacity, outputs = @outputs, meta = @meta
      WHERE id = @id`),
    runEnd: db.prepare('UPDATE runs SET state = ?, ended_ms = ?, heartbeat_ms = ? WHERE id = ?'),
    heartbeat: db.prepare("UPDATE runs SET heartbeat_ms = ? WHERE id = ? AND state = 'running'"),
    maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM events WHERE run_id = ?'),
    countInst: db.prepare('SELECT COUNT(*) AS n FROM instances WHERE run_id = ?'),
    // started_t..ended_t is the last attempt's duration (src/format/duration.ts): from when it really began
    instAttemptFailed: db.prepare(`UPDATE instances SET state = ?, error = ?, started_t = ?, ended_t = ? WHERE run_id = ? AND name = ?`),
    instFinal: db.prepare('UPDATE instances SET state = ?, error = COALESCE(?, error), ended_t = COALESCE(ended_t, ?) WHERE run_id = ? AND name = ?'),
    // cancelled-rest: every instance not ended, in one statement however many there are
    cancelRest: db.prepare(`UPDATE instances SET state = 'cancelled', ended_t = COALESCE(ended_t, ?)
      WHERE run_id = ? AND state IN ('pending', 'ready', 'running', 'retrying')`),
    // attempt rows only for failed attempts and the end of a retried instance: the instance
    // row holds its last attempt, and the events hold every attempt for the timeline
    attempt: db.prepare(`INSERT OR REPLACE INTO attempts (run_id, session, name, attempt, pid, start_t, began_t, end_t, state, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    event: db.prepare('INSERT INTO events (run_id, seq, session, json) VALUES (?, ?, ?, ?)'),
    log: db.prepare('INSERT INTO logs (run_id, session, name, attempt, stream, t, text) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    pgroup: db.prepare(`INSERT INTO pgroups (run_id, pgid, pid_start, name, attempt, alive) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, pgid) DO UPDATE SET name = excluded.name, attempt = excluded.attempt, alive = excluded.alive,
        pid_start = COALESCE(excluded.pid_start, pid_start)`),
    worker: db.prepare(`INSERT INTO workers (run_id, pid, pid_start, alive) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id, pid) DO UPDATE SET alive = excluded.alive, pid_start = COALESCE(excluded.pid_start, pid_start)`),
  }
  const instances = new InstanceWrites(db)
  const block = new EventBlock()
  /** when each instance's current attempt was handed to the executor (for its attempt row) */
  const handedAt: number[] = []

  const nameOf = (inst: number): string => names[inst] ?? `#${inst}`
  const errJson = (e: TaskError | null): string | null => (e ? JSON.stringify(e) : null)

  function addInstances(list: readonly InstanceInfo[]): void {
    for (const i of list) names[i.idx] = i.name
    instances.insert(runId!, session, ord, list)
    ord += list.length
  }

  // The run-start's instances are inserted when the first event that needs their rows comes,
  // or at the end of the batch: the run-start is flushed a microtask later, so the roots'
  // `ready` events of the same turn are folded into the insert (100k pending rows then 100k
  // `ready` updates were the largest write of a wide run).
  let uninserted: readonly InstanceInfo[] | null = null
  function insertStarted(): void {
    if (uninserted === null) return
    const list = uninserted
    uninserted = null
    for (const i of list) names[i.idx] = i.name
    instances.insert(runId!, session, ord, list, true)
    ord += list.length
  }

  function apply(p: PendingEvent): void {
    const e = p.event
    if (e.type === 'run-start') {
      runId = e.runId
      const existing = q.runGet.get(runId) as Row | undefined
      session = existing ? Number(existing.session) + 1 : 1
      seq = Number((q.maxSeq.get(runId) as Row).s)
      ord = Number((q.countInst.get(runId) as Row).n)
      const row = {
        id: runId,
        graph: e.graph,
        file: e.file,
        pid,
        pidStart: processStartTime(pid),
        host,
        session,
        wall: e.wallMs,
        now: Date.now(),
        t0: e.t,
        capacity: JSON.stringify(e.capacity),
        outputs: JSON.stringify(e.outputs),
        meta: JSON.stringify(meta),
      }
      if (existing) q.runRestart.run(row)
      else q.runInsert.run(row)
      for (const i of e.instances) names[i.idx] = i.name
      uninserted = e.instances
    }
    if (runId === null) return // events before run-start have no run to belong to
    const id = runId
    block.add(e)
    if (uninserted !== null && e.type !== 'ready' && e.type !== 'run-start') insertStarted()
    switch (e.type) {
      case 'ready':
        instances.ready(nameOf(e.inst))
        return
      case 'start':
        handedAt[e.inst] = e.t
        instances.running(nameOf(e.inst), e.attempt, e.pid, e.t)
        return
      case 'succeeded': {
        const enc = p.encoded
        if (enc?.fileBytes && enc.file) writeValueFile(runBlobDir(store.blobDir, id), enc.file, enc.fileBytes)
        const name = nameOf(e.inst)
        instances.succeeded(name, {
          attempt: e.attempt,
          pid: e.pid,
          startedAt: e.startedAt,
          t: e.t,
          error: p.valueError ? {kind: 'error', name: 'StoreError', message: p.valueError} : null,
          value: enc?.inline ?? null,
          file: enc?.file ?? null,
          has: enc !== null,
          cached: e.cached !== undefined,
        })
        if (e.attempt > 1) q.attempt.run(id, session, name, e.attempt, e.pid, handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'succeeded', null)
        return
      }
      case 'expanded':
      case 'added':
        addInstances(e.instances)
        return
      case 'log':
        q.log.run(id, session, nameOf(e.inst), e.attempt, e.stream, e.t, e.text)
        return
      case 'process-group':
        q.pgroup.run(id, e.pgid, p.procStart, nameOf(e.inst), e.attempt, e.alive ? 1 : 0)
        return
      case 'worker-start':
        q.worker.run(id, e.pid, p.procStart, 1)
        return
      case 'worker-exit':
        q.worker.run(id, e.pid, null, 0)
        return
      default:
        break
    }
    // the rarer changes of an instance: its pending hot state is written before them
    switch (e.type) {
      case 'attempt-failed': {
        const name = nameOf(e.inst)
        instances.settle(id, session, name)
        q.attempt.run(id, session, name, e.attempt, e.pid, handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'failed', errJson(e.error))
        q.instAttemptFailed.run(e.retryAt === null ? 'running' : 'retrying', errJson(e.error), e.startedAt, e.t, id, name)
        break
      }
      case 'failed':
        instances.settle(id, session, nameOf(e.inst))
        q.instFinal.run('failed', errJson(e.error), e.t, id, nameOf(e.inst))
        break
      case 'skipped': {
        const because = nameOf(e.because)
        const error: TaskError = {kind: 'skipped', name: 'SkippedError', message: `skipped because ${because} failed`}
        instances.settle(id, session, nameOf(e.inst))
        q.instFinal.run('skipped', errJson(error), e.t, id, nameOf(e.inst))
        break
      }
      case 'cancelled':
        instances.settle(id, session, nameOf(e.inst))
        q.instFinal.run('cancelled', null, e.t, id, nameOf(e.inst))
        break
      case 'cancelled-rest':
        // the hot states first (what succeeded stays succeeded, a running attempt keeps its
        // pid and start), but not `ready` ones: the cancel overwrites them
        instances.dropReady()
        instances.flush(id, session)
        q.cancelRest.run(e.t, id)
        break
      case 'run-end':
        endState = e.state
        break
      default:
        break
    }
  }

  /** the flush's coalesced writes, after its events were applied in order */
  function finishBatch(): void {
    if (runId === null) return
    insertStarted()
    instances.flush(runId, session)
    const json = block.take()
    if (json !== null) q.event.run(runId, ++seq, session, json)
    if (endState !== null) q.runEnd.run(endState, Date.now(), Date.now(), runId)
  }

  const writeBatch = db.transaction((batch: PendingEvent[]) => {
    for (const p of batch) apply(p)
    finishBatch()
  })

  function flush(): void {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    if (buffer.length === 0 || !db.open) return
    const batch = buffer
    buffer = []
    const seqBefore = seq
    const ordBefore = ord
    try {
      writeBatch.immediate(batch)
      writeError = null
      options.onWritten?.(batch.length)
    } catch (error) {
      // Keep the events: the transaction rolled back, a later flush tries again.
      instances.discard()
      uninserted = null
      block.take()
      endState = null
      seq = seqBefore
      ord = ordBefore
      buffer = batch.concat(buffer)
      writeError = (error as Error).message
      if (!warned) {
        warned = true
        options.onWriteError?.(writeError)
      }
      options.onFailing?.()
      schedule(RETRY_MS)
    }
  }

  function schedule(ms = FLUSH_MS): void {
    if (!timer && !closed) {
      timer = setTimeout(flush, ms)
      timer.unref()
    }
  }

  function beat(): void {
    if (runId === null || !db.open) return
    try {
      q.heartbeat.run(Date.now(), runId)
    } catch {
      // busy for longer than the timeout: the next beat tries again
    }
  }

  function push(p: PendingEvent): void {
    if (closed) return
    buffer.push(p)
    const type = p.event.type
    if (type === 'run-start') {
      queueMicrotask(flush)
      heartbeat = setInterval(beat, HEARTBEAT_MS)
      heartbeat.unref()
    } else if (type === 'run-end') {
      close()
    } else if (buffer.length >= FLUSH_MAX && writeError === null) flush() // while failing, only the retry timer tries
    else schedule()
  }

  function close(): void {
    if (closed) return
    flush()
    closed = true
    if (heartbeat) clearInterval(heartbeat)
    if (timer) clearTimeout(timer)
    heartbeat = null
    timer = null
  }

  return {
    get runId() {
      return runId
    },
    get writeError() {
      return writeError
    },
    push,
    flush,
    close,
  }
}
