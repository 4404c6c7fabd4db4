// What one frame of the live UI shows, computed from the RunModel in O(rows shown):
// plain data, so the components stay pure and testable without a run.
import type {Counts, RunModel} from '../run-model.js'
import type {SummaryData} from '../summary.js'

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const SPINNER_MS = 100

export interface CapacityUse {
  readonly name: string
  readonly used: number
  readonly total: number
}

export interface RunningRow {
  readonly name: string
  readonly attempt: number
  readonly maxAttempts: number | null
  readonly pid: number | null
  /** seconds */
  readonly elapsed: number
}

export interface WorkerRow {
  readonly pid: number
  readonly calls: number
  readonly maxCalls: number | null
}

export interface View {
  /** run-start seen */
  readonly started: boolean
  readonly graph: string
  readonly runId: string
  /** seconds since run start */
  readonly elapsed: number
  readonly capacity: readonly CapacityUse[]
  readonly total: number
  readonly finished: number
  readonly counts: Counts
  readonly tasksPerSecond: number
  readonly spinner: string
  readonly running: readonly RunningRow[]
  /** running attempts not shown for lack of rows */
  readonly moreRunning: number
  readonly workers: readonly WorkerRow[]
  readonly recycled: number
  readonly cancelling: boolean
  readonly summary: SummaryData | null
  readonly columns: number
}

/** lines of the live region besides the running rows: header, bar, counts, workers */
export const FIXED_LINES = 4
/**
 * Running rows shown at most, however tall the terminal: Ink spends ~10 µs per character
 * of every frame, and rows are most of the characters; past a dozen they are unreadable.
 */
export const MAX_ROWS = 12

export function buildView(m: RunModel, o: {readonly now: number; readonly rows: number; readonly columns: number; readonly summary?: SummaryData | null}): View {
  const end = m.endState ? m.endT : o.now
  const elapsed = m.elapsed(end) / 1e6
  const summary = o.summary ?? null
  // Ink redraws the whole screen when its output reaches the terminal's height: stay below.
  const budget = summary ? 0 : Math.min(MAX_ROWS, Math.max(1, o.rows - FIXED_LINES - (m.cancelling ? 1 : 0) - 2))
  const running: RunningRow[] = []
  const n = m.running.size
  const show = n <= budget ? n : budget - 1
  if (show > 0) {
    for (const r of m.running.values()) {
      running.push({name: r.name, attempt: r.attempt, maxAttempts: r.maxAttempts, pid: r.pid, elapsed: Math.max(0, o.now - r.since) / 1e6})
      if (running.length >= show) break
    }
  }
  const workers: WorkerRow[] = []
  for (const w of m.workers.values()) workers.push({pid: w.pid, calls: w.calls, maxCalls: w.maxCalls})
  return {
    started: m.started,
    graph: m.graph,
    runId: m.runId,
    elapsed,
    capacity: Object.entries(m.capacity).map(([name, total]) => ({name, used: Math.max(0, m.inUse.get(name) ?? 0), total})),
    total: m.total,
    finished: m.finished,
    counts: {...m.counts},
    tasksPerSecond: elapsed > 0 ? m.finished / elapsed : 0,
    spinner: SPINNER[Math.floor(o.now / 1000 / SPINNER_MS) % SPINNER.length]!,
    running,
    moreRunning: summary ? 0 : n - running.length,
    workers,
    recycled: m.recycled,
    cancelling: m.cancelling,
    summary,
    columns: o.columns,
  }
}
