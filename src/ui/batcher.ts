// The `ray.wait` loop as a push model: results collect until N are ready or D seconds have
// passed since the last batch, whichever first. Only N: batches of N. Only D: whatever is
// ready every D seconds. A timer expiry with nothing ready prints nothing (the timer restarts).
import type {Batch, ResultItem} from './results-format.js'

export interface BatcherOptions {
  readonly numReturns?: number
  readonly timeoutSeconds?: number
  /** seconds since run start, now */
  readonly now: () => number
  readonly onBatch: (b: Batch) => void
}

export class Batcher {
  private pending: ResultItem[] = []
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(private readonly opts: BatcherOptions) {}

  /** start the D clock (at run start) */
  start(): void {
    this.arm()
  }

  add(r: ResultItem): void {
    if (this.closed) return
    this.pending.push(r)
    const n = this.opts.numReturns
    if (n !== undefined && n > 0 && this.pending.length >= n) this.flush(r.elapsed)
  }

  /** emit what is ready (nothing when nothing is), restart the D clock */
  flush(elapsed = this.opts.now()): void {
    if (this.pending.length > 0) {
      const results = this.pending
      this.pending = []
      this.opts.onBatch({elapsed, results})
    }
    this.arm()
  }

  /** flush what is left and stop the clock */
  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const d = this.opts.timeoutSeconds
    if (this.closed || d === undefined || !(d >= 0)) return
    this.timer = setTimeout(() => this.flush(), d * 1000)
    this.timer.unref()
  }
}
