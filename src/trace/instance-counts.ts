// How a timeline's instances ended, counted as `rayts status` counts them: one per
// instance (not per attempt), and instances cancelled or skipped before they started count
// too, though they have no bar (they are drawn as marks in the scheduler row).
import {type ChromeTrace, PHASE_CAT, SCHEDULING_CATS} from './types.js'

/** the marks that end an instance (build-trace.ts: a `skipped` / `failed` / `cancelled` event) */
const ENDING_MARKS: ReadonlySet<string> = new Set(['failed', 'skipped', 'cancelled'])
/** `rayts status`'s order */
const ORDER = ['succeeded', 'failed', 'skipped', 'cancelled', 'running']

export interface InstanceCounts {
  /** by final state, in status's order */
  readonly counts: ReadonlyMap<string, number>
  /** cancelled without an attempt */
  readonly cancelledUnstarted: number
  readonly attempts: number
}

export function instanceCounts(trace: ChromeTrace): InstanceCounts {
  const final = new Map<string, string>()
  const started = new Set<string>()
  let attempts = 0
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || SCHEDULING_CATS.includes(e.cat) || e.cat === PHASE_CAT) continue
    const inst = instanceOf(e.args)
    if (inst === undefined) continue
    attempts++
    started.add(inst)
    // the last attempt's outcome, unless a mark ends the instance below
    final.set(inst, e.cat === 'succeeded' ? 'succeeded' : e.cat === 'unfinished' ? 'running' : e.cat === 'cancelled' ? 'cancelled' : 'failed')
  }
  for (const e of trace.traceEvents) {
    if (e.ph !== 'i' || !ENDING_MARKS.has(e.cat)) continue
    const inst = instanceOf(e.args)
    if (inst !== undefined) final.set(inst, e.cat)
  }
  const counts = new Map<string, number>()
  for (const state of final.values()) counts.set(state, (counts.get(state) ?? 0) + 1)
  const sorted = new Map([...counts].sort(([a], [b]) => rank(a) - rank(b)))
  const cancelledUnstarted = [...final].filter(([inst, state]) => state === 'cancelled' && !started.has(inst)).length
  return {counts: sorted, cancelledUnstarted, attempts}
}

/** `9 cancelled (7 before they started) · 2 attempts` */
export function countsSummary(c: InstanceCounts): string {
  const parts = [...c.counts].map(([k, v]) => (k === 'cancelled' && c.cancelledUnstarted > 0 ? `${v} cancelled (${c.cancelledUnstarted} before ${c.cancelledUnstarted === 1 ? 'it' : 'they'} started)` : `${v} ${k}`))
  if (parts.length === 0) return 'no instances'
  return `${parts.join(', ')} · ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`
}

const rank = (state: string): number => (ORDER.includes(state) ? ORDER.indexOf(state) : ORDER.length)

function instanceOf(args: unknown): string | undefined {
  const inst = (args as {instance?: unknown} | undefined)?.instance
  return typeof inst === 'string' ? inst : undefined
}
