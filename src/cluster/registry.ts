// Live workers: each publishes a heartbeat key (expiring) with its capacity and load.
import {HEARTBEAT_TTL, WORKERS_SET, workerKey} from './keys.js'
import type {RedisClient} from './redis.js'

export interface WorkerInfo {
  readonly id: string
  readonly name: string
  readonly host: string
  readonly pid: number
  readonly capacity: Readonly<Record<string, number>>
  /** capacity held by running batches */
  readonly used: Readonly<Record<string, number>>
  readonly running: number
  /** tasks finished since it started */
  readonly completed: number
  /** tasks per second over the last heartbeat period */
  readonly rate: number
  readonly startedMs: number
  readonly beatMs: number
}

export async function publishHeartbeat(redis: RedisClient, info: WorkerInfo): Promise<void> {
  await redis.multi().set(workerKey(info.id), JSON.stringify(info), 'EX', HEARTBEAT_TTL).sadd(WORKERS_SET, info.id).exec()
}

export async function removeWorker(redis: RedisClient, id: string): Promise<void> {
  await redis.multi().del(workerKey(id)).srem(WORKERS_SET, id).exec()
}

/** workers whose heartbeat is current; forgets the others */
export async function liveWorkers(redis: RedisClient): Promise<WorkerInfo[]> {
  const ids = await redis.smembers(WORKERS_SET)
  if (ids.length === 0) return []
  const values = await redis.mget(ids.map(workerKey))
  const live: WorkerInfo[] = []
  const dead: string[] = []
  ids.forEach((id, i) => {
    const v = values[i]
    if (v) live.push(JSON.parse(v) as WorkerInfo)
    else dead.push(id)
  })
  if (dead.length > 0) await redis.srem(WORKERS_SET, ...dead)
  return live.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}
