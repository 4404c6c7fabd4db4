// The runtime's public face: what `rayts run`, the detached `submit` process, benchmarks
// and tests call. Implemented by run.ts (createRun).
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import type {ObjectsConfig} from '../objects/config.js'
import type {EventStream, InstanceState, RunState, TaskFailure} from '../core/events.js'

export interface RunOptions {
  /** short, sortable, file-name-safe id (the store makes it) */
  readonly runId: string
  /** CPU slots; default: os.availableParallelism() */
  readonly numCpus?: number
  /** other named slots, e.g. {gpu: 1} */
  readonly resources?: Readonly<Record<string, number>>
  /** cancel everything else when a task fails for good */
  readonly failFast?: boolean
  /** resume: results of an earlier run, by instance name (`ID`, `ID[2]`), reused instead of run */
  readonly reuse?: ReadonlyMap<string, unknown>
  /** the run's object store: workers write big results there and pass references */
  readonly objects?: ObjectsConfig
  /** an open run (a library session): it takes tasks while it runs and ends at close() */
  readonly open?: boolean
  /** the cross-run result cache (runtime/run-cache.ts); absent: nothing is looked up or stored */
  readonly cache?: import('../scheduler/cache-seam.js').InstanceCache
}

export interface RunSummary {
  readonly runId: string
  readonly state: RunState
  readonly counts: Readonly<Record<InstanceState, number>>
  /** microseconds from run-start to run-end */
  readonly elapsedMicros: number
  /** the first error that failed the run for good, if any */
  readonly firstError: {readonly instance: string; readonly error: TaskFailure} | null
}

export interface RunHandle {
  readonly runId: string
  /** subscribe before start(): every event of the run, run-start first, run-end last */
  readonly events: EventStream
  /** begin scheduling; returns at once */
  start(): void
  /** stop scheduling, kill every process, end the run as `cancelled`; idempotent */
  cancel(): void
  /** kill at once (second Ctrl-C): no grace for command groups */
  forceKill(): void
  /** an open run: add tasks while it runs (see Scheduler.add) */
  add(tasks: readonly TaskSpec[], instances: readonly InstanceSpec[]): void
  /** cancel one instance; the instances that wait for it are skipped */
  cancelInstance(inst: number): void
  /** an open run: end it once what was added has finished, cancelling what has not */
  close(): void
  /** settles after run-end, when every process the run started is gone */
  readonly done: Promise<RunSummary>
}
