// The Chrome Trace Event Format, JSON object form, as far as rayts writes it.
// https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU

export type InstantScope = 'g' | 'p' | 't'

export type TraceArgs = Readonly<Record<string, unknown>>

/** A complete event: a span with a duration. */
export interface CompleteEvent {
  readonly ph: 'X'
  readonly name: string
  readonly cat: string
  readonly ts: number
  readonly dur: number
  readonly pid: number
  readonly tid: number
  readonly args: TraceArgs
}

export interface InstantEvent {
  readonly ph: 'i'
  readonly name: string
  readonly cat: string
  readonly ts: number
  readonly pid: number
  readonly tid: number
  readonly s: InstantScope
  readonly args?: TraceArgs
}

/** Flow start (`s`) and finish (`f`, bound to the enclosing slice with `bp: 'e'`). */
export interface FlowEvent {
  readonly ph: 's' | 'f'
  readonly name: string
  readonly cat: string
  readonly id: number
  readonly ts: number
  readonly pid: number
  readonly tid: number
  readonly bp?: 'e'
}

export interface MetadataEvent {
  readonly ph: 'M'
  readonly name: 'process_name' | 'process_sort_index' | 'thread_name' | 'thread_sort_index'
  readonly ts: 0
  readonly pid: number
  readonly tid: number
  readonly args: {readonly name: string} | {readonly sort_index: number}
}

export type TraceEvent = CompleteEvent | InstantEvent | FlowEvent | MetadataEvent

export interface TraceOtherData {
  readonly runId: string
  readonly graph: string
  readonly file: string
  /** wall-clock time of ts 0, ISO 8601 */
  readonly startedAt: string
  /** Date.now() at ts 0 */
  readonly wallMs: number
  /** the run's end state, or `running` when the events stop before run-end */
  readonly state: string
  readonly capacity: Readonly<Record<string, number>>
  /** attempt spans (X events that are attempts, not scheduler waits) */
  readonly spans: number
}

export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[]
  readonly displayTimeUnit: 'ms'
  readonly otherData: TraceOtherData
}

/** The one process a run is drawn as. */
export const RUN_PID = 1

/** `cat` of attempt spans: how the attempt ended. */
export type Outcome = 'succeeded' | 'cached' | 'failed' | 'crash' | 'timeout' | 'cancelled' | 'unfinished'
export const OUTCOMES: readonly Outcome[] = ['succeeded', 'cached', 'failed', 'crash', 'timeout', 'cancelled', 'unfinished']

/** `cat` of scheduler-lane spans (ready → handed to the executor; handed → really running) and of dependency flows. */
export const WAIT_CAT = 'wait'
export const QUEUED_CAT = 'queued'
export const SCHEDULING_CATS: readonly string[] = [WAIT_CAT, QUEUED_CAT]
export const FLOW_CAT = 'dependency'
/** an attempt's phases (phases.ts): slices inside its span */
export const PHASE_CAT = 'phase'
