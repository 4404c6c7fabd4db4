// `rayts cluster status`: live workers, capacity in use, queue depth, tasks/s per worker.
import {Queue} from 'bullmq'
import {QUEUE, SHORT_QUEUE} from './keys.js'
import {bounded} from './link.js'
import {ClusterConnectError, type RedisClient} from './redis.js'
import {liveWorkers, type WorkerInfo} from './registry.js'
import {dict} from '../core/dict.js'

export interface ClusterStatus {
  readonly workers: readonly WorkerInfo[]
  readonly queue: {readonly waiting: number; readonly active: number; readonly delayed: number; readonly failed: number}
  readonly capacity: Readonly<Record<string, number>>
  readonly used: Readonly<Record<string, number>>
  readonly tasksPerSecond: number
}

async function clusterStatus(redis: RedisClient): Promise<ClusterStatus> {
  const workers = await liveWorkers(redis)
  // single tasks wait in QUEUE, packed batches of short tasks in SHORT_QUEUE: count both
  const queues = [QUEUE, SHORT_QUEUE].map((name) => new Queue(name, {connection: redis}))
  for (const q of queues) q.on('error', () => {})
  try {
    const c: Record<string, number> = {}
    for (const q of queues) {
      for (const [k, v] of Object.entries(await q.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'))) c[k] = (c[k] ?? 0) + v
    }
    const capacity = dict<number>()
    const used = dict<number>()
    for (const w of workers) {
      for (const [k, v] of Object.entries(w.capacity)) capacity[k] = (capacity[k] ?? 0) + v
      for (const [k, v] of Object.entries(w.used)) used[k] = (used[k] ?? 0) + v
    }
    return {
      workers,
      queue: {waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0},
      capacity,
      used,
      tasksPerSecond: workers.reduce((s, w) => s + w.rate, 0),
    }
  } finally {
    await Promise.all(queues.map((q) => q.close().catch(() => {})))
  }
}

const STATUS_TIMEOUT_MS = 10_000

/** clusterStatus, or a ClusterConnectError when Redis fails or says nothing for `ms` */
export async function clusterStatusWithin(redis: RedisClient, printable: string, ms: number = STATUS_TIMEOUT_MS): Promise<ClusterStatus> {
  let status: ClusterStatus | undefined
  try {
    status = await bounded(clusterStatus(redis), ms)
  } catch (error) {
    throw new ClusterConnectError(`Redis at ${printable} failed: ${(error as Error).message}`)
  }
  if (!status) throw new ClusterConnectError(`Redis at ${printable} did not answer within ${ms / 1000} s`)
  return status
}

const slots = (cap: Readonly<Record<string, number>>, used: Readonly<Record<string, number>>): string =>
  Object.entries(cap)
    .map(([k, v]) => `${k} ${+(used[k] ?? 0).toFixed(2)}/${v}`)
    .join(', ')

export function formatClusterStatus(s: ClusterStatus, now: number = Date.now()): string {
  const lines = [
    `workers: ${s.workers.length}   in use: ${slots(s.capacity, s.used) || '-'}   tasks/s: ${Math.round(s.tasksPerSecond)}`,
    `queue (batches): ${s.queue.waiting} waiting, ${s.queue.active} running, ${s.queue.delayed} delayed, ${s.queue.failed} failed (kept 1 h)`,
  ]
  if (s.workers.length > 0) {
    lines.push('')
    const rows = [['WORKER', 'HOST', 'PID', 'IN USE', 'RUNNING', 'DONE', 'TASKS/S', 'UP']]
    for (const w of s.workers) {
      rows.push([w.name, w.host, String(w.pid), slots(w.capacity, w.used), String(w.running), String(w.completed), String(Math.round(w.rate)), `${Math.round((now - w.startedMs) / 1000)}s`])
    }
    const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0))
    for (const r of rows) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd())
  }
  return lines.join('\n')
}
