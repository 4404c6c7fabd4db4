// The floors `rayts bench overhead` compares against: what one IPC round trip to a forked
// worker costs, and how fast a bare spawn loop starts processes on this machine.
import {spawn} from 'node:child_process'
import {WorkerProc} from '../executor/pool/worker-proc.js'
import type {FromWorker} from '../executor/protocol.js'

/** n ping-pongs with one worker over the same IPC channel fn jobs use */
export async function measureIpcRoundTrip(n: number): Promise<{p50Micros: number; p99Micros: number}> {
  const worker = new WorkerProc(() => {})
  try {
    const times: number[] = []
    let resolveNext: (() => void) | null = null
    worker.fnUser = {
      onMessage: (m: FromWorker) => {
        if (m.t === 'pong') resolveNext?.()
      },
      onExit: () => {},
    }
    const ping = (k: number): Promise<void> =>
      new Promise((resolve) => {
        resolveNext = resolve
        worker.send({t: 'ping', n: k})
      })
    await ping(-1) // warm: waits for the worker to be ready
    for (let k = 0; k < n; k++) {
      const t0 = process.hrtime.bigint()
      await ping(k)
      times.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
    times.sort((a, b) => a - b)
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
    return {p50Micros: at(0.5), p99Micros: at(0.99)}
  } finally {
    worker.retire('shutdown')
    await worker.exited
  }
}

/** n runs of `true` by child_process.spawn, `concurrency` at a time, from this process */
export async function measureSpawnLoop(n: number, concurrency: number): Promise<{perSecond: number}> {
  let started = 0
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('true', [], {stdio: 'ignore'})
      child.once('error', reject)
      child.once('exit', () => resolve())
    })
  const t0 = performance.now()
  await Promise.all(
    Array.from({length: Math.max(1, concurrency)}, async () => {
      while (started < n) {
        started++
        await one()
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  return {perSecond: n / seconds}
}
