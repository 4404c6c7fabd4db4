// How long since Redis last answered, for the two long-lived sides of a cluster (the run's
// coordinator and `rayts worker`). ioredis retries a dropped connection forever and queues
// commands meanwhile, so a lost Redis shows only as silence: after LOST_AFTER_MS of it the
// owner acts (the run ends as failed; a worker says so and keeps retrying).
import {UsageError} from '../core/usage-error.js'
import {DURATION_FORMS, parseDuration} from '../format/units.js'
import {LOST_AFTER_MS} from './keys.js'

const LOST_AFTER_ENV = 'RAYTS_CLUSTER_LOST_AFTER'

/** the run's bound on Redis's silence: $RAYTS_CLUSTER_LOST_AFTER (a duration, at least 2 s), else LOST_AFTER_MS */
export function lostAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[LOST_AFTER_ENV]
  if (text === undefined || text === '') return LOST_AFTER_MS
  const seconds = parseDuration(text)
  if (seconds === undefined || seconds < 2) throw new UsageError(`$${LOST_AFTER_ENV} must be a duration of at least 2 s (${DURATION_FORMS}), got '${text}'`)
  return Math.round(seconds * 1000)
}

export class RedisLink {
  private lastHeard = Date.now()
  private lost = false

  constructor(private readonly lostAfterMs: number = LOST_AFTER_MS) {}

  /** Redis answered a command */
  heard(): void {
    this.lastHeard = Date.now()
  }

  silentForMs(now: number = Date.now()): number {
    return now - this.lastHeard
  }

  /** true once the silence passes the bound, and again only after Redis was heard in between */
  justLost(now: number = Date.now()): boolean {
    if (this.lost || this.silentForMs(now) < this.lostAfterMs) return false
    this.lost = true
    return true
  }

  /** true once when Redis is heard again after justLost() */
  justBack(): boolean {
    if (!this.lost || this.silentForMs() >= this.lostAfterMs) return false
    this.lost = false
    return true
  }

  get isLost(): boolean {
    return this.lost
  }
}

/**
 * `p`, or undefined after `ms`: for the calls that must not wait on a Redis that is gone
 * (ioredis queues them until it reconnects). `p` keeps running; its rejection is swallowed.
 */
export async function bounded<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  p.catch(() => {})
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(r, ms, undefined)))])
  } finally {
    clearTimeout(timer)
  }
}
