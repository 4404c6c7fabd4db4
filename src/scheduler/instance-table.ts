// The scheduler's per-instance state as typed columns, so that a run costs bytes per
// instance rather than an object or an array each (measured at 1M instances of a wide graph:
// benchmark/scheduler-state.ts, figures in docs/benchmarks.md).
import type {InstanceSpec} from '../graph/model.js'
import type {InstanceState} from '../core/events.js'

export const PENDING = 0
export const READY = 1
export const RUNNING = 2
export const RETRYING = 3
export const SUCCEEDED = 4
export const FAILED = 5
export const SKIPPED = 6
export const CANCELLED = 7
/** succeeded without running: its result came from the cross-run cache */
export const CACHED = 8

/** state codes → names, in code order; codes from SUCCEEDED on are terminal */
export const STATE_NAMES: readonly InstanceState[] = ['pending', 'ready', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled', 'cached']

export function isTerminal(code: number): boolean {
  return code >= SUCCEEDED
}

/**
 * The instances of a run and their state columns: the graph's, then those made while it runs
 * (a dynamic fan-out's, an open run's additions), numbered on from the graph's. The columns
 * are replaced when they grow: read them through the table, never keep one across a grow.
 * Indexes into them are instance numbers below `count` (the scheduler's only indexes), which
 * is why the scheduler reads them with `!`.
 */
export class InstanceTable {
  count: number
  /** per instance: a state code, its unfinished inputs, its attempts so far */
  state: Uint8Array
  waiting: Int32Array
  attempts: Int32Array
  readonly results: unknown[]
  /** who waits for each of the graph's instances (a made instance's one dependent is its marker) */
  readonly dependents: Dependents
  private readonly made: InstanceSpec[] = []
  /** the instances made, one range per grow in order: indexes below `end` (and at or above
   * the previous range's) depend on `marker` alone (-1: an open run's, on no marker) */
  private readonly madeRanges: {readonly end: number; readonly marker: number}[] = []

  constructor(private readonly specs: readonly InstanceSpec[]) {
    const n = (this.count = specs.length)
    this.state = new Uint8Array(n)
    this.waiting = new Int32Array(n)
    this.attempts = new Int32Array(n)
    this.results = new Array<unknown>(n)
    for (const spec of specs) this.waiting[spec.idx] = spec.deps.length
    this.dependents = dependentsOf(specs)
  }

  spec(idx: number): InstanceSpec {
    const n = this.specs.length
    return idx < n ? this.specs[idx]! : this.made[idx - n]!
  }

  /** made while the run runs (so not in `dependents`) */
  isMade(idx: number): boolean {
    return idx >= this.specs.length
  }

  /** add `made`, numbered from `count` on, which `marker` waits for (-1: none does) */
  grow(made: readonly InstanceSpec[], marker: number): void {
    const n = this.count + made.length
    this.state = grown(this.state, n)
    this.waiting = grown(this.waiting, n)
    this.attempts = grown(this.attempts, n)
    for (const s of made) {
      this.made.push(s)
      this.results.push(undefined)
    }
    this.madeRanges.push({end: n, marker})
    this.count = n
  }

  /** the marker that waits for a made instance; -1 for one added to an open run */
  markerOf(idx: number): number {
    const ranges = this.madeRanges
    let lo = 0
    let hi = ranges.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (idx < ranges[mid]!.end) hi = mid
      else lo = mid + 1
    }
    return ranges[lo]!.marker // a made instance: at least one range
  }
}

/** a copy of `a` with room for at least `n` elements (doubling, for dynamic fan-outs) */
function grown<T extends Uint8Array | Int32Array>(a: T, n: number): T {
  if (n <= a.length) return a
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 16))
  b.set(a)
  return b
}

/** Who waits for each instance, compressed: the dependents of i are
 * flat[offsets[i] .. offsets[i + 1]). */
export interface Dependents {
  readonly offsets: Int32Array
  readonly flat: Int32Array
}

function dependentsOf(specs: readonly InstanceSpec[]): Dependents {
  // every index is in range: a dependency is an instance (d < n), offsets has n + 1 entries
  const n = specs.length
  const offsets = new Int32Array(n + 1)
  for (const spec of specs) for (const d of spec.deps) offsets[d + 1]!++
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!
  const flat = new Int32Array(offsets[n]!)
  const fill = offsets.slice(0, n)
  for (const spec of specs) for (const d of spec.deps) flat[fill[d]!++] = spec.idx
  return {offsets, flat}
}
