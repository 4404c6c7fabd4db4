// The raw event stream as stored: one `events` row per flush, holding a JSON array of the
// flush's events in order. The three events every task makes (ready, start, succeeded) are
// written as short number tuples, the rest as the events themselves (a result's value is
// never part of it; logs live in their own table). One JSON.stringify and one row per flush
// instead of one per event: measured in the issue-13 profile, the row per event was the
// largest share of the recorder's time.
// Rows written before blocks hold one event object each; both read back the same. The
// run-start is stored without its instances' descriptions (stored-run-start.ts).
import type {EventOf, RunEvent} from '../../core/events.js'
import {isStoredRunStart, toStoredRunStart, type StoredRunStart} from './stored-run-start.js'

const READY = 0
const START = 1
const SUCCEEDED = 2

type Tuple = [number, number, number, ...(number | string | null)[]]

export class EventBlock {
  private items: unknown[] = []

  get length(): number {
    return this.items.length
  }

  add(e: RunEvent): void {
    switch (e.type) {
      case 'ready':
        this.items.push([READY, e.t, e.inst])
        return
      case 'start':
        this.items.push([START, e.t, e.inst, e.attempt, e.pid])
        return
      case 'succeeded':
        // a cache hit keeps its key (as the seventh element, a string); an attempt that ran, its phases' times (numbers)
        this.items.push(e.cached ? [SUCCEEDED, e.t, e.inst, e.attempt, e.pid, e.startedAt, e.cached.key] : e.calledAt === undefined ? [SUCCEEDED, e.t, e.inst, e.attempt, e.pid, e.startedAt] : [SUCCEEDED, e.t, e.inst, e.attempt, e.pid, e.startedAt, e.calledAt, e.returnedAt ?? null])
        return
      case 'log':
        return
      case 'run-start':
        this.items.push(toStoredRunStart(e))
        return
      default:
        this.items.push(e)
    }
  }

  /** the block as stored, and a fresh empty block; null when there is nothing */
  take(): string | null {
    if (this.items.length === 0) return null
    const json = JSON.stringify(this.items)
    this.items = []
    return json
  }
}

/** puts a stored run-start's instances back (restoreRunStart, from the run's instance rows) */
export type RunStartReader = (stored: StoredRunStart) => EventOf<'run-start'>

/** Appends the events of one stored row (a block, or a single event of an older store). */
export function decodeEventRow(json: string, out: RunEvent[], runStart: RunStartReader): void {
  const parsed = JSON.parse(json) as unknown
  if (!Array.isArray(parsed)) {
    out.push(parsed as RunEvent)
    return
  }
  for (const item of parsed as unknown[]) {
    if (Array.isArray(item)) out.push(fromTuple(item as Tuple))
    else if (isStoredRunStart(item)) out.push(runStart(item))
    else out.push(item as RunEvent)
  }
}

function fromTuple(x: Tuple): RunEvent {
  const [code, t, inst] = x
  switch (code) {
    case READY:
      return {type: 'ready', t, inst}
    case START:
      return {type: 'start', t, inst, attempt: x[3] as number, pid: (x[4] as number | null) ?? null}
    case SUCCEEDED:
      // as stored before blocks: a succeeded event without its value
      if (typeof x[6] === 'string') return {type: 'succeeded', t, inst, attempt: x[3] as number, pid: (x[4] as number | null) ?? null, startedAt: x[5] as number, cached: {key: x[6]}} as RunEvent
      if (x.length > 6) return {type: 'succeeded', t, inst, attempt: x[3] as number, pid: (x[4] as number | null) ?? null, startedAt: x[5] as number, calledAt: x[6] as number, returnedAt: (x[7] ?? undefined) as number} as RunEvent
      return {type: 'succeeded', t, inst, attempt: x[3] as number, pid: (x[4] as number | null) ?? null, startedAt: x[5] as number} as RunEvent
    default:
      throw new Error(`unknown stored event code ${code}`)
  }
}
