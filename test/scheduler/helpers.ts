import {readFileSync} from 'node:fs'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'
import type {Executor, ExecutorSink} from '../../src/executor/types.js'
import type {RunEvent} from '../../src/core/events.js'
import {createRun} from '../../src/runtime/run.js'
import type {RunOptions, RunSummary} from '../../src/runtime/types.js'

export interface Ran {
  readonly summary: RunSummary
  readonly events: RunEvent[]
  /** instance name → value, for succeeded instances */
  readonly values: Map<string, unknown>
  /** instance name → final state event type */
  readonly outcome: Map<string, string>
  readonly names: string[]
  readonly seconds: number
}

export interface RunGraphOptions extends Partial<RunOptions> {
  readonly set?: string[]
  /** cancel the run once this holds of the events so far */
  readonly cancelWhen?: (events: readonly RunEvent[]) => boolean
  /** another executor (default: the local worker pool) */
  readonly makeExecutor?: (sink: ExecutorSink) => Executor
}

/** the name of instance `inst` as the run announced it */
export function nameOf(names: readonly string[], inst: number): string {
  const name = names[inst]
  if (name === undefined) throw new Error(`instance ${inst} was not announced`)
  return name
}

export async function runGraph(file: string, options: RunGraphOptions = {}): Promise<Ran> {
  const compiled = compileGraphFile(file, {set: options.set})
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const handle = createRun(compiled.graph, {runId: 'test', ...options}, options.makeExecutor ? {makeExecutor: options.makeExecutor} : {})
  const events: RunEvent[] = []
  const names: string[] = []
  const values = new Map<string, unknown>()
  const outcome = new Map<string, string>()
  let cancelled = false
  handle.events.subscribe((e) => {
    events.push(e)
    if (!cancelled && options.cancelWhen?.(events)) {
      cancelled = true
      setImmediate(() => handle.cancel())
    }
    if (e.type === 'run-start') for (const i of e.instances) names[i.idx] = i.name
    if (e.type === 'expanded') for (const i of e.instances) names[i.idx] = i.name
    if (e.type === 'succeeded') values.set(nameOf(names, e.inst), e.value)
    if (e.type === 'succeeded' || e.type === 'failed' || e.type === 'skipped' || e.type === 'cancelled') outcome.set(nameOf(names, e.inst), e.type)
    // the run stopped: every instance without an outcome yet is cancelled
    if (e.type === 'cancelled-rest') for (const name of names) if (name !== undefined && !outcome.has(name)) outcome.set(name, 'cancelled')
  })
  const t0 = performance.now()
  handle.start()
  const summary = await handle.done
  return {summary, events, values, outcome, names, seconds: (performance.now() - t0) / 1000}
}

/** pids that are still alive (a zombie is not: this machine's init does not reap orphans) */
export function alive(pids: Iterable<number>): number[] {
  return [...pids].filter((pid) => {
    try {
      return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    } catch {
      return false
    }
  })
}

export function workerPids(events: readonly RunEvent[]): Set<number> {
  const pids = new Set<number>()
  for (const e of events) if (e.type === 'worker-start') pids.add(e.pid)
  return pids
}

/** microseconds from the first attempt's real start to the last attempt's end: the run's
 * work, without worker cold starts (which depend on the machine's load, not on rayts) */
export function busySeconds(events: readonly RunEvent[]): number {
  let first = Infinity
  let last = -Infinity
  for (const e of events) {
    if (e.type === 'succeeded' || e.type === 'attempt-failed') {
      first = Math.min(first, e.startedAt)
      last = Math.max(last, e.t)
    }
  }
  return (last - first) / 1e6
}
