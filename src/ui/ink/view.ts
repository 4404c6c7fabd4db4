// What one frame of the live UI shows, computed from the RunModel in O(rows shown):
// plain data, so the components stay pure and testable without a run.
import type {Counts, RunModel} from '../run-model.js'

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
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
  /** instances settled by the graph: succeeded, failed or skipped (cancelled ones are not progress) */
  readonly finished: number
  readonly counts: Counts
  /** attempts that ran to an end (succeeded or failed) per second */
  readonly tasksPerSecond: number
  readonly spinner: string
  readonly running: readonly RunningRow[]
  /** running attempts not shown for lack of rows */
  readonly moreRunning: number
  readonly workers: readonly WorkerRow[]
  readonly recycled: number
  readonly cancelling: boolean
  readonly cancelWhy: string | null
  readonly columns: number
  /** which lines fit the terminal (the header always does) */
  readonly show: {readonly bar: boolean; readonly cancel: boolean; readonly counts: boolean; readonly workers: boolean; readonly more: boolean}
}

/**
 * Rows of the terminal the live region leaves free. Ink erases its previous frame by
 * counting lines, and once a frame is as tall as the terminal it clears the whole screen,
 * scrollback included: the live region stays strictly below the terminal's height.
 */
const SPARE_ROWS = 2
/**
 * Running rows shown at most, however tall the terminal: Ink spends ~10 µs per character
 * of every frame, and rows are most of the characters; past a dozen they are unreadable.
 */
const MAX_ROWS = 12

/**
 * What one frame shows. Every line of the live region is cut at the terminal's width
 * (never wrapped), so its height is its line count; lines are dropped, least useful
 * first, until it fits `rows - SPARE_ROWS`: running rows, then workers, counts, the bar.
 */
export function buildView(m: RunModel, o: {readonly now: number; readonly rows: number; readonly columns: number}): View {
  const end = m.endState ? m.endT : o.now
  const elapsed = m.elapsed(end) / 1e6
  let left = Math.max(1, o.rows - SPARE_ROWS) - 1 // the header
  const take = (): boolean => (left > 0 ? (left--, true) : false)
  const bar = take()
  const cancel = m.cancelling && take()
  const counts = take()
  const workersLine = take()
  const budget = Math.min(MAX_ROWS, left)
  const running: RunningRow[] = []
  const n = m.running.size
  const shown = n <= budget ? n : Math.max(0, budget - 1)
  if (shown > 0) {
    for (const r of m.running.values()) {
      running.push({name: r.name, attempt: r.attempt, maxAttempts: r.maxAttempts, pid: r.pid, elapsed: Math.max(0, o.now - r.since) / 1e6})
      if (running.length >= shown) break
    }
  }
  const workers: WorkerRow[] = []
  if (workersLine) for (const w of m.workers.values()) workers.push({pid: w.pid, calls: w.calls, maxCalls: w.maxCalls})
  return {
    started: m.started,
    graph: m.graph,
    runId: m.runId,
    elapsed,
    capacity: Object.entries(m.capacity).map(([name, total]) => ({name, used: Math.max(0, m.inUse.get(name) ?? 0), total})),
    total: m.total,
    finished: m.finished,
    counts: {...m.counts},
    tasksPerSecond: elapsed > 0 ? m.ran / elapsed : 0,
    spinner: SPINNER[Math.floor(o.now / 1000 / SPINNER_MS) % SPINNER.length]!,
    running,
    moreRunning: n - running.length,
    workers,
    recycled: m.recycled,
    cancelling: m.cancelling,
    cancelWhy: m.cancelWhy,
    columns: o.columns,
    show: {bar, cancel, counts, workers: workersLine, more: n > running.length && budget > 0},
  }
}
