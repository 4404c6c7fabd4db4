// The store's subscription to a run's event stream. Each event is taken as it comes (a
// result's value encoded, a new process's start time read) and handed to the writer
// (record-writer.ts), which writes in batches: in this process, or (RAYTS_RECORD_THREAD) on
// a thread of its own (record-thread-client.ts), so that the SQLite writes leave the run's
// event loop.
import type {EventStream, RunEvent} from '../../core/events.js'
import type {Store} from '../db.js'
import type {RunMeta} from '../query/meta.js'
import {processStartTime} from '../upkeep/processes.js'
import {createRecordWriter, type PendingEvent} from './record-writer.js'
import {recordInThread} from './record-thread-client.js'
import {encodedBytes, encodeValue, fileStemFor, type EncodedValue} from '../values.js'

/**
 * With RAYTS_RECORD_THREAD=auto, runs of at least this many instances are written from a
 * thread. Starting the thread costs ~40 ms of CPU (its own V8 isolate, better-sqlite3, the
 * store's modules).
 */
const THREAD_MIN_INSTANCES = 5000

export interface Recorder {
  /** the run id, once run-start has been seen */
  readonly runId: string | null
  /** write everything buffered now */
  flush(): void
  /** flush, stop the heartbeat and unsubscribe (done by itself after run-end) */
  close(): void
  /**
   * Why events are still unwritten (`database or disk is full`), or null when everything so
   * far is in the store. After close(), non-null means the run's record is incomplete.
   */
  readonly writeError: string | null
}

export interface RecordOptions {
  /** the run process (default: this one) */
  readonly pid?: number
  /** told once, at the first failed write (the recorder keeps the events and retries) */
  readonly onWriteError?: (message: string) => void
  /** write from a thread of its own (see recordOnThread; default: RAYTS_RECORD_THREAD=1) */
  readonly thread?: boolean
}

/**
 * Whether a run of `instances` instances is written from a thread: RAYTS_RECORD_THREAD=1
 * always, =auto from THREAD_MIN_INSTANCES on, else never. Off by default: it halves the
 * CPU of the run's thread, but costs more in all than it takes off, and on a loaded machine
 * (load 9-17) a 100k run took 18-22 s with it against 13-14 s without, three pairs in one
 * sitting (docs/benchmarks.md, "overhead").
 */
export function recordOnThread(instances: number, env: NodeJS.ProcessEnv): boolean {
  if (env.RAYTS_RECORD_THREAD === '1') return true
  if (env.RAYTS_RECORD_THREAD === 'auto') return instances >= THREAD_MIN_INSTANCES
  return false
}

export function recordRun(store: Store, events: EventStream, meta: RunMeta, options: RecordOptions = {}): Recorder {
  if (options.thread ?? process.env.RAYTS_RECORD_THREAD === '1') return recordInThread(store, events, meta, options, pendingMaker(store))
  const writer = createRecordWriter(store, meta, options)
  const make = pendingMaker(store)
  let closed = false
  const unsubscribe = events.subscribe((event) => {
    if (closed) return
    writer.push(make(event))
    if (event.type === 'run-end') close()
  })
  function close(): void {
    if (closed) return
    closed = true
    unsubscribe()
    writer.close()
  }
  return {
    get runId() {
      return writer.runId
    },
    get writeError() {
      return writer.writeError
    },
    flush: () => writer.flush(),
    close,
  }
}

/**
 * Takes an event as it comes: a result's value is encoded now (the event's `value` is not
 * read after), and a new process's start time read before its pid can be reused.
 */
function pendingMaker(store: Store): (event: RunEvent) => PendingEvent {
  const names: string[] = []
  let session = 1
  const sessionOf = store.db.prepare('SELECT session FROM runs WHERE id = ?')
  return (event) => {
    let encoded: EncodedValue | null = null
    let valueError: string | null = null
    let procStart: string | null = null
    switch (event.type) {
      case 'run-start': {
        for (const i of event.instances) names[i.idx] = i.name
        const row = sessionOf.get(event.runId) as {session: number} | undefined
        session = row ? Number(row.session) + 1 : 1
        break
      }
      case 'expanded':
      case 'added':
        for (const i of event.instances) names[i.idx] = i.name
        break
      case 'succeeded':
        try {
          const inst = event.inst
          const stem = (): string => fileStemFor(names[inst] ?? `#${inst}`, session)
          const stored = event.cached?.bytes
          encoded = stored ? encodedBytes(Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength), stem) : encodeValue(event.value, stem)
        } catch (error) {
          valueError = `the result could not be stored: ${(error as Error).message}`
        }
        break
      case 'worker-start':
        procStart = processStartTime(event.pid)
        break
      case 'process-group':
        if (event.alive) procStart = processStartTime(event.pgid)
        break
      default:
        break
    }
    return {event, encoded, valueError, procStart}
  }
}
