// What the scheduler asks of an executor: the local pool (local.ts) and the cluster
// (cluster/coordinator.ts, on BullMQ) implement it.
import type {OutputMode} from '../graph/model.js'
import type {ObjectsConfig} from '../objects/config.js'
import type {RunEvent, TaskFailure} from '../core/events.js'

interface JobBase {
  /** instance index in the run (see events.ts) */
  readonly inst: number
  /** 1-based attempt number */
  readonly attempt: number
  /** instance name (`ID` or `ID[i]`), for messages */
  readonly name: string
  /** seconds, or null for none; the clock starts when the job begins running */
  readonly timeout: number | null
  /** environment additions, already resolved to strings */
  readonly env: Readonly<Record<string, string>>
  /** absolute working directory */
  readonly cwd: string
}

export interface FnJob extends JobBase {
  readonly kind: 'fn'
  /** absolute path of a .js/.mjs/.cjs/.ts/.mts module */
  readonly module: string
  readonly export: string
  /** resolved arguments; must survive structured clone */
  readonly args: readonly unknown[]
  /** 1: the value as returned; n > 1: the value must be an array of n elements */
  readonly numReturns: number
  /** a worker exits after running this function that many times; 0 = unlimited */
  readonly maxCalls: number
  /** chain fusion: jobs to run after this one in its worker (see FnChain) */
  readonly chain?: FnChain
  /** a chain link: the argument positions that get the result of the job before it */
  readonly fill?: readonly number[]
}

/**
 * Chain fusion. A job's chain is a list of links: fn jobs that each take the result of the
 * one before (the first, of the job itself), to run in the worker that holds that result,
 * without a round trip through the scheduler. An executor that runs chains claims them in
 * submit() (`claimed = true`); one that does not leaves them, and the scheduler takes them
 * back at once (a claim on the job, not a flag of the executor, so that wrappers of an
 * executor pass it on). A claimed link is a job like any other (reported started and done on its
 * own, its own timeout and max_calls), with one rule: it runs only after the job before it
 * succeeded. When that job ends any other way, the link is dropped without a report.
 */
export interface FnChain {
  readonly links: readonly FnJob[]
  claimed: boolean
}

export interface CmdJob extends JobBase {
  readonly kind: 'cmd'
  readonly command: {readonly argv: readonly string[]} | {readonly shell: string}
  readonly stdin: string | Uint8Array | undefined
  readonly output: OutputMode
}

export type Job = FnJob | CmdJob

interface OutcomeBase {
  readonly inst: number
  readonly attempt: number
  /** the worker or command process, when there was one */
  readonly pid: number | null
  /** monotonic microseconds (core/clock.ts) when the job began and ended running */
  readonly startedAt: number
  readonly endedAt: number
  /** fn jobs: the phases between (core/events.ts, AttemptPhases) */
  readonly calledAt?: number
  readonly returnedAt?: number
}

export type JobOutcome =
  | (OutcomeBase & {readonly ok: true; readonly value: unknown})
  | (OutcomeBase & {readonly ok: false; readonly error: TaskFailure})

/** Executor-side events that belong on the run's stream. */
export type ExecutorEvent = Extract<RunEvent, {type: 'worker-start' | 'worker-exit' | 'process-group'}>

export interface ExecutorSink {
  /** a job began running (for a batch, when its own turn came) */
  started(inst: number, attempt: number, pid: number | null, at: number): void
  /** a job ended; called exactly once per submitted job, unless the executor was closed */
  done(outcome: JobOutcome): void
  /** what a job printed */
  log(inst: number, attempt: number, stream: 'stdout' | 'stderr', text: string): void
  event(event: ExecutorEvent): void
}

export interface Executor {
  /**
   * Run a batch: its jobs run one after another in one lane (one worker process for fn
   * jobs), in the order given, holding the resources the scheduler reserved for the batch.
   * The scheduler batches only short fn jobs of one function without a timeout; a job
   * with a timeout always comes alone. A batch interrupted by a worker's death, a timeout
   * or a cancel reports the running job and reruns the jobs that had not started.
   */
  submit(batch: readonly Job[]): void
  /** cancel the job of this instance: drop it if not started, else kill its process (tree) */
  cancel(inst: number): void
  /** kill every process; resolves when all are gone. Idempotent. */
  close(): Promise<void>
  /** where workers write big results (the local pool; another executor may ignore it) */
  useObjects?(config: ObjectsConfig | null): void
}
