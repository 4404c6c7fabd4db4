// A worker's messages to coordinators, buffered per session and sent in order, one round
// trip per session per turn of the event loop.
import {deliver, type Delivery} from './deliver.js'
import {streamKey} from './keys.js'
import type {RedisClient} from './redis.js'

export class Outbox {
  private pending = new Map<string, Delivery[]>()
  private sending: Promise<void> = Promise.resolve()
  private queued = false

  constructor(private readonly redis: RedisClient) {}

  push(sid: string, item: Delivery): void {
    let list = this.pending.get(sid)
    if (!list) this.pending.set(sid, (list = []))
    list.push(item)
    if (!this.queued) {
      this.queued = true
      setImmediate(() => void this.flush())
    }
  }

  /** resolves when everything pushed so far is in Redis */
  flush(): Promise<void> {
    this.queued = false
    const batch = this.pending
    this.pending = new Map()
    if (batch.size > 0) {
      this.sending = this.sending.then(async () => {
        await Promise.all([...batch].map(([sid, items]) => deliver(this.redis, streamKey(sid), items))).catch(() => {})
      })
    }
    return this.sending
  }
}
