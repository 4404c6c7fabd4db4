// createRun: a compiled graph, a local executor and a scheduler, wired to one event stream.
import {availableParallelism} from 'node:os'
import type {CompiledGraph} from '../graph/model.js'
import {chainsOn, createLocalExecutor} from '../executor/index.js'
import type {Executor, ExecutorSink} from '../executor/types.js'
import {Scheduler} from '../scheduler/scheduler.js'
import {EventStream} from '../core/events.js'
import {RaytsError} from '../core/errors.js'
import {objectReads} from './object-reads.js'
import type {RunHandle, RunOptions, RunSummary} from './types.js'

export class RunSetupError extends RaytsError {
  override name = 'RunSetupError'
  override readonly code = 'RAYTS_ERR_RUN_SETUP'
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'))
  }
}

export interface CreateRunDeps {
  /** another executor (the cluster's); default: the local worker pool */
  readonly makeExecutor?: (sink: ExecutorSink) => Executor
}

export function capacityOf(options: Pick<RunOptions, 'numCpus' | 'resources'>): Record<string, number> {
  return {cpu: options.numCpus ?? availableParallelism(), ...options.resources}
}

/** Throws RunSetupError when a task could never fit the capacity. */
export function createRun(graph: CompiledGraph, options: RunOptions, deps: CreateRunDeps = {}): RunHandle {
  const capacity = capacityOf(options)
  const problems = Scheduler.capacityProblems(graph, capacity)
  if (problems.length > 0) throw new RunSetupError(problems)

  const events = new EventStream()
  const make = deps.makeExecutor ?? createLocalExecutor
  const objects = options.objects ?? null
  const makeExecutor = (sink: ExecutorSink): Executor => {
    const executor = make(sink)
    if (objects) executor.useObjects?.(objects)
    return executor
  }
  const scheduler = new Scheduler(graph, events, makeExecutor, {
    runId: options.runId,
    capacity,
    failFast: options.failFast ?? false,
    reuse: options.reuse,
    open: options.open ?? false,
    cache: options.cache,
    chains: chainsOn(),
    objects: objectReads,
  })
  const done: Promise<RunSummary> = scheduler.ended.then((state) => ({
    runId: options.runId,
    state,
    counts: scheduler.counts(),
    elapsedMicros: scheduler.elapsedMicros,
    firstError: scheduler.failure,
  }))
  return {
    runId: options.runId,
    events,
    start: () => scheduler.start(),
    cancel: () => scheduler.cancel(),
    // cancel already closes the executor, which kills at once (SIGKILL, no grace); its
    // exit hook covers a process.exit that follows before close() settles
    forceKill: () => scheduler.cancel(),
    add: (tasks, instances) => scheduler.add(tasks, instances),
    cancelInstance: (inst) => scheduler.cancelInstance(inst),
    close: () => scheduler.close(),
    done,
  }
}
