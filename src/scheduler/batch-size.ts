// How many ready jobs of one function go to a worker in one message. Long or unknown jobs
// go one at a time (so parallelism is never lost); jobs measured to be short are packed
// so that a batch runs for about TARGET_MICROS, which is what makes 100k no-op tasks/s
// possible: one IPC round trip per task tops out near 37k/s.
const TARGET_MICROS = 2000
const MAX_BATCH = 64
const WEIGHT = 0.2

/** Estimates outlive a run: the next run of the same function in this process (a warm pool,
 * a benchmark, a resumed run) batches from its first dispatch instead of ramping up again. */
const sharedAverages = new Map<string, number>()

export class BatchSizer {
  constructor(private readonly avg: Map<string, number> = sharedAverages) {}

  observe(fnKey: string, micros: number): void {
    const prev = this.avg.get(fnKey)
    this.avg.set(fnKey, prev === undefined ? micros : prev + WEIGHT * (micros - prev))
  }

  /** measured to run for less than a batch's target: worth running without a round trip
   * each (a chain link's start is reported with its end, as in a batch) */
  isShort(fnKey: string): boolean {
    const avg = this.avg.get(fnKey)
    return avg !== undefined && avg < TARGET_MICROS
  }

  /** batch size for `queued` jobs spread over `lanes` free lanes */
  size(fnKey: string, queued: number, lanes: number): number {
    const avg = this.avg.get(fnKey)
    if (avg === undefined) return 1
    const byTime = Math.max(1, Math.floor(TARGET_MICROS / Math.max(avg, 1)))
    const bySpread = Math.ceil(queued / Math.max(1, lanes))
    return Math.max(1, Math.min(MAX_BATCH, byTime, bySpread))
  }
}
