// A run's writer on a thread of its own (record-thread.ts): this side takes the events as
// they come (pendingMaker, in this thread) and posts them once per event-loop turn; the
// thread opens its own connection to the store and writes them as the in-process writer
// does. flush() and close() wait for the thread (Atomics.wait), so that what they promise
// holds as in-process: everything so far is in the store when they return.
//
// At most MAX_QUEUED outcomes (results, failures, skips) wait for the thread: beyond that the
// run's thread waits for it, so that what a kill -9 can lose stays about what a flush of the
// in-process writer holds (FLUSH_MAX events, ~5,000 tasks' outcomes). Other events (ready,
// start) are not counted: the 100,000 `ready` events of a wide run's start would otherwise
// hold the run until the thread has inserted every instance row. Not while writes are
// failing: then the run goes on, as in-process, and reports the failure at its end.
import {MessageChannel, receiveMessageOnPort, Worker} from 'node:worker_threads'
import type {EventStream, RunEvent} from '../../core/events.js'
import type {Store} from '../db.js'
import type {RunMeta} from '../query/meta.js'
import type {PendingEvent} from './record-writer.js'
import type {Recorder, RecordOptions} from './recorder.js'
import {DEAD, FAILING, MAX_QUEUED, OUTCOMES, pack, QUEUED, REPLIES, SLOTS, STARTED, type ThreadMessage, type ThreadReply, type ThreadData} from './record-thread-protocol.js'

/** events posted at once, at most (the rest go next turn) */
const POST_MAX = 4096

const fromSource = import.meta.url.endsWith('.ts')
const ENTRY = new URL(fromSource ? './record-thread.ts' : './record-thread.js', import.meta.url)
/** a thread does not get `--import tsx`'s hooks: from the sources, its entry is loaded through tsx */
const SOURCE_ENTRY = fromSource
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(ENTRY.href)}, ${JSON.stringify(import.meta.url)}))`
  : ''
/** how long a thread that never began running is waited for */
const START_MS = 30_000

export function recordInThread(
  store: Store,
  events: EventStream,
  meta: RunMeta,
  options: RecordOptions,
  make: (event: RunEvent) => PendingEvent,
): Recorder {
  const shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT))
  const replies = new MessageChannel()
  const data: ThreadData = {home: store.home, meta, pid: options.pid ?? meta.pid ?? process.pid, shared, reply: replies.port2}
  const worker = fromSource
    ? new Worker(SOURCE_ENTRY, {eval: true, workerData: data, transferList: [replies.port2]})
    : new Worker(ENTRY, {workerData: data, transferList: [replies.port2]})
  const created = Date.now()
  worker.unref()
  let runId: string | null = null
  let writeError: string | null = null
  let closed = false
  let out: PendingEvent[] = []
  let posting = false
  worker.on('message', (m: {kind: 'write-error'; message: string}) => {
    if (m.kind === 'write-error') options.onWriteError?.(m.message)
  })
  worker.on('error', (error) => {
    writeError ??= `the store's writer thread failed: ${error.message}`
  })

  function send(m: ThreadMessage): void {
    worker.postMessage(m)
  }

  function post(): void {
    posting = false
    while (out.length > 0) {
      waitForRoom()
      const list = out.length > POST_MAX ? out.splice(0, POST_MAX) : out
      if (list === out) out = []
      let outcomes = 0
      for (const p of list) if (OUTCOMES.has(p.event.type)) outcomes++
      Atomics.add(shared, QUEUED, outcomes)
      send({kind: 'events', list: list.map(pack)})
    }
  }

  function waitForRoom(): void {
    for (;;) {
      const queued = Atomics.load(shared, QUEUED)
      if (queued <= MAX_QUEUED || Atomics.load(shared, FAILING) !== 0 || Atomics.load(shared, DEAD) !== 0) return
      if (Atomics.load(shared, STARTED) === 0 && Date.now() - created > START_MS) return
      Atomics.wait(shared, QUEUED, queued, 100)
    }
  }

  /** post what is buffered, ask the thread to `kind`, and wait for its answer */
  function request(kind: 'flush' | 'close'): void {
    post()
    const before = Atomics.load(shared, REPLIES)
    send({kind})
    while (Atomics.load(shared, REPLIES) === before && Atomics.load(shared, DEAD) === 0) {
      if (Atomics.load(shared, STARTED) === 0 && Date.now() - created > START_MS) break
      Atomics.wait(shared, REPLIES, before, 1000)
    }
    let reply: ThreadReply | undefined
    for (let m = receiveMessageOnPort(replies.port1); m; m = receiveMessageOnPort(replies.port1)) reply = m.message as ThreadReply
    if (reply) writeError = reply.writeError
    else writeError ??= "the store's writer thread stopped before answering"
  }

  const unsubscribe = events.subscribe((event) => {
    if (closed) return
    if (event.type === 'run-start') runId = event.runId
    const p = make(event)
    out.push(p)
    if (event.type === 'run-end') close()
    else if (out.length >= POST_MAX) post()
    else if (!posting) {
      posting = true
      setImmediate(post)
    }
  })

  function close(): void {
    if (closed) return
    closed = true
    unsubscribe()
    request('close')
    replies.port1.close()
  }

  return {
    get runId() {
      return runId
    },
    get writeError() {
      return writeError
    },
    flush: () => {
      if (!closed) request('flush')
    },
    close,
  }
}
