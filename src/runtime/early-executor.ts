// The local pool started before the graph is read and compiled, so that its first worker
// boots on the other core meanwhile: a 1-task run's task no longer waits for a fork after
// the compile. `rayts run` starts it at the entry (cli/main.ts, startEarlyPool), before
// oclif loads; runFromCli takes that one, or starts one itself (a caller without the entry). Its events are held until the scheduler first uses it (after run-start),
// so the store, the UI and the timeline see the worker start inside the run; when the run
// never uses it (a graph error, no tasks), nothing of it is reported.
import {createLocalExecutor} from '../executor/index.js'
import type {Executor, ExecutorEvent, ExecutorSink, Job, JobOutcome} from '../executor/types.js'

export class EarlyExecutor {
  private sink: ExecutorSink | null = null
  private held: ExecutorEvent[] | null = []
  private readonly executor: Executor
  private taken = false

  constructor() {
    const forward: ExecutorSink = {
      started: (inst, attempt, pid, at) => this.sink?.started(inst, attempt, pid, at),
      done: (outcome: JobOutcome) => this.sink?.done(outcome),
      log: (inst, attempt, stream, text) => this.sink?.log(inst, attempt, stream, text),
      event: (e) => {
        if (this.held) this.held.push(e)
        else this.sink?.event(e)
      },
    }
    this.executor = createLocalExecutor(forward, {prespawn: 1})
  }

  /** for CreateRunDeps.makeExecutor: the scheduler's sink gets this pool's events from its first use */
  readonly make = (sink: ExecutorSink): Executor => {
    this.taken = true
    this.sink = sink
    const release = (): void => {
      const held = this.held
      this.held = null
      for (const e of held ?? []) sink.event(e)
    }
    return {
      submit: (batch: readonly Job[]) => {
        release()
        this.executor.submit(batch)
      },
      cancel: (inst) => this.executor.cancel(inst),
      useObjects: (config) => this.executor.useObjects?.(config),
      close: () => {
        // never used: its worker was never reported, nor will its exit be
        if (this.held) this.sink = null
        return this.executor.close()
      },
    }
  }

  /** stop the pool when the run never took it (a graph error) */
  async discard(): Promise<void> {
    if (!this.taken) await this.executor.close()
  }
}

let started: EarlyExecutor | null = null

/** start the local pool now (the CLI's entry, for a command that runs a graph here) @public (main.ts imports it conditionally) */
export function startEarlyPool(): void {
  started ??= new EarlyExecutor()
}

/** the pool the entry started, once; null when it started none */
export function takeEarlyPool(): EarlyExecutor | null {
  const early = started
  started = null
  return early
}

/** stop the entry's pool when no command took it (a usage error, a flag oclif refused) @public */
export async function discardEarlyPool(): Promise<void> {
  await takeEarlyPool()?.discard()
}
