// The unbatched IPC floor of `rayts bench overhead`: n no-op messages, one per task, pipelined
// to `workers` forked workers over the channel fn jobs use, each answered with one message.
// No batching, no scheduler, no store: what one message a task costs on this machine.
import {WorkerProc} from '../executor/pool/worker-proc.js'
import type {FromWorker} from '../executor/protocol.js'

/** messages in flight per worker: enough to keep its pipe busy, few enough to bound memory */
const WINDOW = 256

export async function measureIpcPipelined(n: number, workers: number): Promise<{messagesPerSecond: number}> {
  const procs = Array.from({length: Math.max(1, workers)}, () => new WorkerProc(() => {}))
  try {
    const share = Math.ceil(n / procs.length)
    const drive = (worker: WorkerProc, count: number, onStart: () => void): Promise<void> =>
      new Promise((resolve) => {
        let sent = 0
        let answered = 0
        worker.fnUser = {
          onMessage: (m: FromWorker) => {
            if (m.t !== 'pong') return
            answered++
            if (answered === count) resolve()
            else if (sent < count) worker.send({t: 'ping', n: sent++})
          },
          onExit: () => resolve(),
        }
        onStart()
        while (sent < Math.min(count, WINDOW)) worker.send({t: 'ping', n: sent++})
      })
    // warm: each worker has started and answered once before the clock starts
    await Promise.all(procs.map((w) => drive(w, 1, () => {})))
    let t0 = 0
    await Promise.all(procs.map((w) => drive(w, share, () => (t0 ||= performance.now()))))
    return {messagesPerSecond: (share * procs.length) / ((performance.now() - t0) / 1000)}
  } finally {
    for (const w of procs) w.retire('shutdown')
    await Promise.all(procs.map((w) => w.exited))
  }
}
