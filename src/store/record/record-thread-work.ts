// The writer thread's work: its own connection to the store, the same writer as in-process.
import {parentPort} from 'node:worker_threads'
import {openStore} from '../db.js'
import {createRecordWriter} from './record-writer.js'
import {FAILING, OUTCOMES, QUEUED, REPLIES, unpack, WRITE_NOW, type ThreadData, type ThreadMessage, type ThreadReply} from './record-thread-protocol.js'

export function serve(data: ThreadData): void {
  const {shared, reply} = data
  const store = openStore(data.home)
  /** outcomes taken since the last write: a write takes everything buffered */
  let unwritten = 0
  const writer = createRecordWriter(store, data.meta, {
    pid: data.pid,
    onWriteError: (message) => parentPort!.postMessage({kind: 'write-error', message}),
    onFailing: () => Atomics.store(shared, FAILING, 1),
    onWritten: () => {
      Atomics.store(shared, FAILING, 0)
      Atomics.sub(shared, QUEUED, unwritten)
      unwritten = 0
      Atomics.notify(shared, QUEUED)
    },
  })
  function answer(): void {
    const r: ThreadReply = {runId: writer.runId, writeError: writer.writeError}
    reply.postMessage(r)
    Atomics.add(shared, REPLIES, 1)
    Atomics.notify(shared, REPLIES)
  }
  parentPort!.on('message', (m: ThreadMessage) => {
    switch (m.kind) {
      case 'events':
        for (const x of m.list) {
          const p = unpack(x)
          if (OUTCOMES.has(p.event.type)) unwritten++
          writer.push(p)
        }
        if (unwritten >= WRITE_NOW && writer.writeError === null) writer.flush()
        return
      case 'flush':
        writer.flush()
        answer()
        return
      case 'close':
        writer.close()
        answer()
        store.close()
        reply.close()
        parentPort!.close()
        return
    }
  })
}
