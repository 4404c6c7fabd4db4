// A worker dies with its runner, even while task code spins in synchronous code. The IPC
// 'disconnect' event needs a free event loop; this thread does not: every CHECK_MS it
// compares process.ppid with the runner's pid and, once the runner is gone (the worker was
// re-parented), SIGKILLs the worker's command groups and then the worker itself.
// Measured here: the thread costs ~3 ms of the main thread to start and ~11 MB of RSS.
import {Worker} from 'node:worker_threads'

const CHECK_MS = 150
/** more than a worker ever runs at once (cmdSlotsPerWorker, default 4) */
const MAX_GROUPS = 256

const THREAD = `
const {workerData} = require('node:worker_threads')
const {runner, groups, checkMs} = workerData
setInterval(() => {
  if (process.ppid === runner) return
  for (let i = 0; i < groups.length; i++) {
    const pgid = Atomics.load(groups, i)
    if (pgid > 0) try { process.kill(-pgid, 'SIGKILL') } catch {}
  }
  process.kill(process.pid, 'SIGKILL')
}, checkMs)
`

export interface Watchdog {
  /** a command's process group, to kill if the runner dies */
  add(pgid: number): void
  delete(pgid: number): void
}

export function startWatchdog(runner: number = process.ppid): Watchdog {
  const groups = new Int32Array(new SharedArrayBuffer(MAX_GROUPS * Int32Array.BYTES_PER_ELEMENT))
  // execArgv: [] so that the thread does not load the worker's loaders (tsx from sources)
  const thread = new Worker(THREAD, {eval: true, execArgv: [], workerData: {runner, groups, checkMs: CHECK_MS}})
  thread.unref()
  thread.on('error', () => {}) // never take the worker down with it
  const slotOf = (pgid: number): number => groups.indexOf(pgid)
  return {
    add(pgid) {
      const free = slotOf(0)
      if (free >= 0) Atomics.store(groups, free, pgid)
    },
    delete(pgid) {
      const slot = slotOf(pgid)
      if (slot >= 0) Atomics.store(groups, slot, 0)
    },
  }
}
