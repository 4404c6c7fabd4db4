// Running a generated graph in-process and measuring it: the same compile and runtime as
// `rayts run`, without the store and reporters (those are measured apart).
import {compileGraphFile, formatProblem} from '../graph/index.js'
import type {EventStream, RunEvent} from '../core/events.js'
import {nowMicros} from '../core/clock.js'
import {type CreateRunDeps, createRun} from '../runtime/run.js'

export interface RunMeasure {
  readonly instances: number
  readonly compileMs: number
  /** CPU time (user + system) of this process while it compiled: steadier than compileMs on a loaded machine */
  readonly compileCpuMs: number
  /** from start() to done, workers' start-up included */
  readonly wallMs: number
  /** CPU time of this (the scheduling) process during the run, per task */
  readonly parentCpuMicrosPerTask: number
  readonly peakRssMb: number
  readonly state: string
  /** end times of succeeded attempts, in order */
  readonly ends: number[]
}

export interface MeasureOptions {
  readonly numCpus?: number
  readonly onEvent?: (e: RunEvent) => void
  readonly keepEnds?: boolean
  /** e.g. an executor kept warm across runs (bench granularity) */
  readonly deps?: CreateRunDeps
  /** a reporter to run with (bench overhead's UI-on measurement); closed before the end is taken */
  readonly attach?: (events: EventStream) => Promise<{close(): Promise<void>}>
}

export async function measureRun(file: string, options: MeasureOptions = {}): Promise<RunMeasure> {
  const c0 = performance.now()
  const compileCpu0 = process.cpuUsage()
  const compiled = compileGraphFile(file)
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const compileMs = performance.now() - c0
  const compileCpu = process.cpuUsage(compileCpu0)
  const handle = createRun(compiled.graph, {runId: `bench-${Date.now().toString(36)}`, numCpus: options.numCpus}, options.deps)
  const ends: number[] = []
  let failed = 0
  handle.events.subscribe((e) => {
    if (e.type === 'succeeded' && options.keepEnds) ends.push(e.t)
    else if (e.type === 'failed') failed++
    options.onEvent?.(e)
  })
  const reporter = await options.attach?.(handle.events)
  const cpu0 = process.cpuUsage()
  const t0 = nowMicros()
  handle.start()
  const summary = await handle.done
  await reporter?.close()
  const wallMs = (nowMicros() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const instances = compiled.graph.instances.length
  if (failed > 0) throw new Error(`bench graph ${file}: ${failed} tasks failed (${summary.firstError?.error.message ?? ''})`)
  return {
    instances,
    compileMs,
    compileCpuMs: (compileCpu.user + compileCpu.system) / 1000,
    wallMs,
    parentCpuMicrosPerTask: (cpu.user + cpu.system) / instances,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    state: summary.state,
    ends,
  }
}

/** A run's seconds less a baseline run's (start-up cancels out). On a loaded machine the
 * baseline can take longer than the run itself: then the difference means nothing, and the
 * run's whole wall time is given rather than a near-zero that would read as millions a second. */
export function secondsBeyond(wallMs: number, baselineMs: number): number {
  const net = wallMs - baselineMs
  return (net > 0 ? net : wallMs) / 1000
}
