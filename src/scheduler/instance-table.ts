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

/** a copy of `a` with room for at least `n` elements (doubling, for dynamic fan-outs) */
export function grown<T extends Uint8Array | Int32Array>(a: T, n: number): T {
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

export function dependentsOf(specs: readonly InstanceSpec[]): Dependents {
  const n = specs.length
  const offsets = new Int32Array(n + 1)
  for (const spec of specs) for (const d of spec.deps) offsets[d + 1]++
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i]
  const flat = new Int32Array(offsets[n])
  const fill = offsets.slice(0, n)
  for (const spec of specs) for (const d of spec.deps) flat[fill[d]++] = spec.idx
  return {offsets, flat}
}
