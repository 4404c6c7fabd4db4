// The raw event stream as stored: one `events` row per flush, holding a JSON array of the
// flush's events in order. The three events every task makes (ready, start, succeeded) are
// written as short number tuples, the rest as the events themselves (a result's value is
// never part of it; logs live in their own table). One JSON.stringify and one row per flush
// instead of one per event: measured in the issue-13 profile, the row per event was the
// largest share of the recorder's time.
// Rows written before blocks hold one event object each; both read back the same. The
// run-start is stored without its instances' descriptions (stored-run-start.ts).
// Since version 7 the row also holds the flush's result values (`vals`, and `vmeta` saying
// where each succeeded event's value is: ValueColumn) and the run-start's instances (`defs`,
// instance-defs.ts): the instance rows are made from these rows (instance-rows.ts).
import type {EventOf, RunEvent} from '../../core/events.js'
import {isStoredRunStart, toStoredRunStart, type StoredRunStart} from './stored-run-start.js'
import type {EncodedValue} from '../values.js'

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

/**
 * Where a succeeded event's value is, in the order of the row's succeeded events: inline
 * (its length: the bytes follow the previous inline value's in `vals`), a file of its own
 * under the run's blob folder (its name), or not stored, and why.
 */
export type ValueMeta = number | string | {readonly e: string}

/** the values of one flush's succeeded events */
export class ValueColumn {
  private parts: Buffer[] = []
  private meta: ValueMeta[] = []

  add(encoded: EncodedValue | null, valueError: string | null): void {
    if (encoded?.inline) {
      this.parts.push(encoded.inline)
      this.meta.push(encoded.inline.length)
    } else if (encoded?.file) this.meta.push(encoded.file)
    else this.meta.push({e: valueError ?? 'the result could not be stored'})
  }

  /** the row's `vals` and `vmeta`, and a fresh empty column */
  take(): {vals: Buffer | null; vmeta: string} {
    const vals = this.parts.length === 0 ? null : this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)
    const vmeta = JSON.stringify(this.meta)
    this.parts = []
    this.meta = []
    return {vals, vmeta}
  }
}

/** A stored block's items one by one: an event tuple, a stored run-start, or an event as it is. */
export function decodeEventItem(item: unknown, runStart: RunStartReader): RunEvent {
  if (Array.isArray(item)) return fromTuple(item as Tuple)
  if (isStoredRunStart(item)) return runStart(item)
  return item as RunEvent
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
  for (const item of parsed as unknown[]) out.push(decodeEventItem(item, runStart))
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
