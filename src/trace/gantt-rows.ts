// A Chrome trace → the rows of a Gantt chart: one per worker / command slot, all scheduler
// lanes folded into one row of (translucent, overlapping) waits.
import {PHASE_CAT, type ChromeTrace, type CompleteEvent, type InstantEvent} from './types.js'

export interface GanttRow {
  readonly label: string
  readonly waits: boolean
  readonly spans: readonly CompleteEvent[]
  /** the attempts' phases, drawn inside their spans */
  readonly phases: readonly CompleteEvent[]
  readonly instants: readonly InstantEvent[]
}

export interface Gantt {
  readonly rows: readonly GanttRow[]
  /** process-wide instants (s: p or g), drawn across all rows */
  readonly marks: readonly InstantEvent[]
  /** µs from ts 0 to the last thing drawn */
  readonly end: number
}

export function ganttRows(trace: ChromeTrace): Gantt {
  const names = new Map<number, string>()
  const sort = new Map<number, number>()
  for (const e of trace.traceEvents) {
    if (e.ph !== 'M') continue
    if (e.name === 'thread_name' && 'name' in e.args) names.set(e.tid, e.args.name)
    if (e.name === 'thread_sort_index' && 'sort_index' in e.args) sort.set(e.tid, e.args.sort_index)
  }
  const tids = [...new Set([...names.keys(), ...trace.traceEvents.filter((e) => e.ph === 'X' || e.ph === 'i').map((e) => e.tid)])]
  tids.sort((a, b) => (sort.get(a) ?? a) - (sort.get(b) ?? b))
  const isScheduler = (tid: number): boolean => (names.get(tid) ?? '').startsWith('scheduler')
  type Row = {label: string; waits: boolean; spans: CompleteEvent[]; phases: CompleteEvent[]; instants: InstantEvent[]}
  const rowOf = new Map<number, Row>()
  const rows: Row[] = []
  let schedulerRow: (typeof rows)[number] | undefined
  for (const tid of tids) {
    if (isScheduler(tid) && schedulerRow) {
      rowOf.set(tid, schedulerRow)
      continue
    }
    const row: Row = {label: isScheduler(tid) ? 'scheduler (waits)' : (names.get(tid) ?? `thread ${tid}`), waits: isScheduler(tid), spans: [], phases: [], instants: []}
    if (row.waits) schedulerRow = row
    rows.push(row)
    rowOf.set(tid, row)
  }
  const marks: InstantEvent[] = []
  let end = 0
  for (const e of trace.traceEvents) {
    if (e.ph === 'X' && e.cat === PHASE_CAT) rowOf.get(e.tid)?.phases.push(e)
    else if (e.ph === 'X') {
      rowOf.get(e.tid)?.spans.push(e)
      end = Math.max(end, e.ts + e.dur)
    } else if (e.ph === 'i') {
      if (e.s === 't') rowOf.get(e.tid)?.instants.push(e)
      else marks.push(e)
      end = Math.max(end, e.ts)
    }
  }
  return {rows, marks, end}
}
