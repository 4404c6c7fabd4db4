// How many ready jobs of one function go to a worker in one message. Unknown jobs go one at
// a time; jobs measured to be short are packed so that a batch runs for about
// TARGET_MICROS, which is what makes 100k no-op tasks/s possible: one IPC round trip per
// task tops out near 37k/s.
//
// Longer jobs (up to LONG_TARGET_MICROS a batch) are packed too while many wait: each
// message costs the runner ~70–110 µs of CPU on this 2-core VM (a bare Node IPC round trip,
// measured), CPU taken from the workers. The lesson's session, 100 × make_array(n) a round
// (medians of 20, one sitting): n = 20,000 (0.6 ms a call) local/remote 0.72 → 0.94;
// n = 80,000 (2.6 ms) 1.35 → 1.50; n = 3,000 unchanged (its batches were already 16).
// Such a batch takes at most 1/SPREAD_SHARE of the jobs queued per free lane, so the
// batches shrink to one job as the queue drains, and the last jobs still spread over every
// lane (a batch runs its jobs in order: the tail is where a big one would leave a lane idle).
const TARGET_MICROS = 2000
const LONG_TARGET_MICROS = 20_000
const SPREAD_SHARE = 4
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
    const micros = Math.max(avg, 1)
    const perLane = queued / Math.max(1, lanes)
    const byTime = Math.max(1, Math.floor(TARGET_MICROS / micros), Math.min(Math.floor(LONG_TARGET_MICROS / micros), Math.floor(perLane / SPREAD_SHARE)))
    return Math.max(1, Math.min(MAX_BATCH, byTime, Math.ceil(perLane)))
  }
}
