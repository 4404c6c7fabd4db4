// One local executor kept warm across the runs of a benchmark, the way a Ray user keeps one
// `ray.init()` for many remote calls: workers are started (and the module loaded) once, by
// a warm-up run, and each measured run borrows them. Each run's scheduler becomes the sink
// while it runs; closing a borrowed executor is a no-op, close() ends the real one.
import {createLocalExecutor} from '../executor/index.js'
import type {Executor, ExecutorSink, JobOutcome} from '../executor/types.js'
import type {CreateRunDeps} from '../runtime/run.js'

export interface WarmExecutor {
  /** pass to createRun / measureRun: every run gets the same workers */
  readonly deps: CreateRunDeps
  /** workers started so far (worker-start events seen) */
  readonly workersStarted: () => number
  close(): Promise<void>
}

export function warmExecutor(): WarmExecutor {
  let current: ExecutorSink | null = null
  let started = 0
  const forward: ExecutorSink = {
    started: (inst, attempt, pid, at) => current?.started(inst, attempt, pid, at),
    done: (outcome: JobOutcome) => current?.done(outcome),
    log: (inst, attempt, stream, text) => current?.log(inst, attempt, stream, text),
    event: (event) => {
      if (event.type === 'worker-start') started++
      current?.event(event)
    },
  }
  const real = createLocalExecutor(forward)
  const borrowed: Executor = {
    submit: (batch) => real.submit(batch),
    cancel: (inst) => real.cancel(inst),
    useObjects: (config) => real.useObjects?.(config),
    close: async () => {
      current = null
    },
  }
  return {
    deps: {
      makeExecutor: (sink) => {
        current = sink
        return borrowed
      },
    },
    workersStarted: () => started,
    close: () => real.close(),
  }
}
