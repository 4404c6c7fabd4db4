import {compileGraphFile, formatProblem} from '../../src/graph/index.js'
import type {RunEvent} from '../../src/runtime/events.js'
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

export async function runGraph(file: string, options: Partial<RunOptions> & {set?: string[]; cancelAfterMs?: number} = {}): Promise<Ran> {
  const compiled = compileGraphFile(file, {set: options.set})
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const handle = createRun(compiled.graph, {runId: 'test', ...options})
  const events: RunEvent[] = []
  const names: string[] = []
  const values = new Map<string, unknown>()
  const outcome = new Map<string, string>()
  handle.events.subscribe((e) => {
    events.push(e)
    if (e.type === 'run-start') for (const i of e.instances) names[i.idx] = i.name
    if (e.type === 'expanded') for (const i of e.instances) names[i.idx] = i.name
    if (e.type === 'succeeded') values.set(names[e.inst], e.value)
    if (e.type === 'succeeded' || e.type === 'failed' || e.type === 'skipped' || e.type === 'cancelled') outcome.set(names[e.inst], e.type)
  })
  const t0 = performance.now()
  handle.start()
  if (options.cancelAfterMs !== undefined) setTimeout(() => handle.cancel(), options.cancelAfterMs)
  const summary = await handle.done
  return {summary, events, values, outcome, names, seconds: (performance.now() - t0) / 1000}
}

/** pids that are still alive */
export function alive(pids: Iterable<number>): number[] {
  return [...pids].filter((pid) => {
    try {
      process.kill(pid, 0)
      return true
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
