// Live updates: one loop for the whole server reads the store's change counter (PRAGMA
// data_version: a few µs, moves only when some connection commits) every POLL_MS and, when
// it moved, tells every open page "changed" over server-sent events. However many tasks a
// run finishes, a page gets at most 1000/POLL_MS messages a second; it then asks again for
// what it shows. Lost runs are found here too, as every rayts reader command does.
import type {ServerResponse} from 'node:http'
import type {Store} from '../store/db.js'
import {reconcileRuns} from '../store/upkeep/reconcile.js'
import {changeKey} from '../store/query/watch.js'

export const POLL_MS = 200
const RECONCILE_MS = 1000
const KEEPALIVE_MS = 15_000

export class LiveHub {
  private readonly clients = new Set<ServerResponse>()
  private last = ''
  private seq = 0
  private lastReconcile = 0
  private lastWrite = 0
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly store: Store) {}

  start(): void {
    this.last = changeKey(this.store)
    this.timer = setInterval(() => this.tick(), POLL_MS)
    this.timer.unref()
  }

  get size(): number {
    return this.clients.size
  }

  add(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive'})
    res.write(`retry: 1000\nevent: change\ndata: ${this.seq}\n\n`)
    this.clients.add(res)
    res.on('close', () => this.clients.delete(res))
  }

  /** one poll: reconcile lost runs now and then, and tell the pages when the store changed */
  tick(): void {
    const now = Date.now()
    try {
      if (now - this.lastReconcile >= RECONCILE_MS) {
        this.lastReconcile = now
        reconcileRuns(this.store)
      }
      const key = changeKey(this.store)
      if (key !== this.last) {
        this.last = key
        this.broadcast(`event: change\ndata: ${++this.seq}\n\n`)
      } else if (now - this.lastWrite > KEEPALIVE_MS) this.broadcast(': keep-alive\n\n')
    } catch {
      // a busy or briefly locked database: the next tick tries again
    }
  }

  private broadcast(message: string): void {
    this.lastWrite = Date.now()
    for (const c of this.clients) c.write(message)
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    for (const c of this.clients) c.end()
    this.clients.clear()
  }
}
