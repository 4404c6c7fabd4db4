// Writes a run's events to the store: buffered, and written in one transaction every
// FLUSH_MS (or at FLUSH_MAX events, at run-start a microtask later, and at once at run-end),
// so a huge run is not slowed by a transaction per event while readers still see each result
// within a few tens of milliseconds. A flush is one events row (event-block.ts); readers
// make the instance rows from those rows (instance-rows.ts).
// It runs in the run's process (recorder.ts) or on a thread of its own (record-thread.ts).
// Its parts: the statements (record-statements.ts), one flush's batch (record-batch.ts), and
// here the buffer, the timers and the retry after a failed write.
import type {Transaction} from 'better-sqlite3'
import type {RunEvent} from '../../core/events.js'
import type {Store} from '../db.js'
import type {RunMeta} from '../query/meta.js'
import {RecordBatch, type RecordPosition, RunRecord, START_POSITION} from './record-batch.js'
import {prepareRecordStatements} from './record-statements.js'
import type {EncodedValue} from '../values.js'

const FLUSH_MS = 20
/**
 * A flush's size cap in events, for when the event loop is too busy for the timer. Flushes
 * are one transaction each: 1,000 events (~330 tasks) per flush measured 22 µs of recorder
 * CPU a task for 100k no-op tasks, 16,000 measured 15 µs (loaded machine, same sitting).
 */
const FLUSH_MAX = 16_000
const HEARTBEAT_MS = 1000
/** after a failed write (disk full), the next try waits this long */
const RETRY_MS = 500

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

export function createRecordWriter(store: Store, meta: RunMeta, options: WriterOptions = {}): RecordWriter {
  return new BatchingWriter(store, meta, options)
}

class BatchingWriter implements RecordWriter {
  private readonly run: RunRecord
  private readonly writeBatch: Transaction<(batch: RecordBatch, events: readonly PendingEvent[]) => void>
  /** where the last committed flush left the run's rows: a failed flush starts again from here */
  private committed: RecordPosition = START_POSITION
  private buffer: PendingEvent[] = []
  private timer: NodeJS.Timeout | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private closed = false
  /**
   * a run-start waits in the buffer for its microtask flush: the size cap does not apply
   * meanwhile, so that the whole burst of the roots' `ready` events of its turn is in the
   * run-start's events row, and their instance rows are made as ready (instance-rows.ts).
   * Cut at the cap, a wide run of 100k no-op tasks wrote 16,000 rows as ready and then
   * 84,000 `ready` updates.
   */
  private startQueued = false
  private warned = false
  private error: string | null = null

  constructor(
    private readonly store: Store,
    meta: RunMeta,
    private readonly options: WriterOptions,
  ) {
    const {db} = store
    this.run = new RunRecord(store, prepareRecordStatements(db), meta, options.pid ?? meta.pid ?? process.pid)
    this.writeBatch = db.transaction((batch: RecordBatch, events: readonly PendingEvent[]) => {
      for (const p of events) batch.apply(p)
      batch.finish()
    })
  }

  get runId(): string | null {
    return this.committed.runId
  }

  get writeError(): string | null {
    return this.error
  }

  readonly push = (p: PendingEvent): void => {
    if (this.closed) return
    this.buffer.push(p)
    const type = p.event.type
    if (type === 'run-start') {
      this.startQueued = true
      queueMicrotask(this.flush)
      this.heartbeat = setInterval(this.beat, HEARTBEAT_MS)
      this.heartbeat.unref()
    } else if (type === 'run-end') {
      this.close()
    } else if (this.buffer.length >= FLUSH_MAX && this.error === null && !this.startQueued) this.flush() // while failing, only the retry timer tries
    else this.schedule()
  }

  readonly flush = (): void => {
    this.startQueued = false
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (this.buffer.length === 0 || !this.store.db.open) return
    const events = this.buffer
    this.buffer = []
    const batch = new RecordBatch(this.run, this.committed)
    try {
      this.writeBatch.immediate(batch, events)
      this.committed = batch.position
      this.error = null
      this.options.onWritten?.(events.length)
    } catch (error) {
      // Keep the events: the transaction rolled back, the batch goes with what it held, and
      // a later flush applies the events again from the last committed position.
      this.buffer = events.concat(this.buffer)
      this.error = (error as Error).message
      if (!this.warned) {
        this.warned = true
        this.options.onWriteError?.(this.error)
      }
      this.options.onFailing?.()
      this.schedule(RETRY_MS)
    }
  }

  readonly close = (): void => {
    if (this.closed) return
    this.flush()
    this.closed = true
    if (this.heartbeat) clearInterval(this.heartbeat)
    if (this.timer) clearTimeout(this.timer)
    this.heartbeat = null
    this.timer = null
  }

  private schedule(ms = FLUSH_MS): void {
    if (!this.timer && !this.closed) {
      this.timer = setTimeout(this.flush, ms)
      this.timer.unref()
    }
  }

  private readonly beat = (): void => {
    const runId = this.committed.runId
    if (runId === null || !this.store.db.open) return
    try {
      this.run.q.heartbeat.run(Date.now(), runId)
    } catch {
      // busy for longer than the timeout: the next beat tries again
    }
  }
}
