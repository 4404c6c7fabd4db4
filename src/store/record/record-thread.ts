// The store's writer thread (see record-thread-client.ts). This entry loads nothing but
// worker_threads before it can say it failed: if the writer cannot load or throws, DEAD is
// set, so the run's thread never waits for it forever.
import {workerData} from 'node:worker_threads'
import {DEAD, QUEUED, REPLIES, STARTED, type ThreadData} from './record-thread-protocol.js'

const data = workerData as ThreadData
Atomics.store(data.shared, STARTED, 1)

function die(): void {
  Atomics.store(data.shared, DEAD, 1)
  Atomics.notify(data.shared, REPLIES)
  Atomics.notify(data.shared, QUEUED)
}

process.on('uncaughtException', (error) => {
  die()
  throw error
})

try {
  const {serve} = await import('./record-thread-work.js')
  serve(data)
} catch (error) {
  die()
  throw error
}
