// The IPC messages between the executor (parent) and its worker processes.
// Sent with `serialization: 'advanced'` (structured clone), so values keep their types.
import type {OutputMode} from '../graph/model.js'
import type {ObjectsConfig} from '../objects/config.js'
import type {TaskFailure} from '../core/events.js'

/**
 * What a fn job calls and how. Jobs of one batch share one object, which structured clone
 * sends once and then by back-reference: the strings are not repeated per job.
 */
export interface WireTarget {
  readonly module: string
  readonly export: string
  readonly numReturns: number
  readonly env: Readonly<Record<string, string>> | null
  readonly cwd: string
}

/**
 * A fn batch as it crosses: columns rather than one object per job, which structured
 * clone writes about 2.5 times faster (measured: 64-job batches, 1 µs a job as objects).
 * `target[i]` indexes `targets`.
 */
export interface WireFnBatch {
  readonly targets: readonly WireTarget[]
  readonly target: readonly number[]
  readonly names: readonly string[]
  readonly args: readonly (readonly unknown[])[]
  /** indexes of the jobs with a timeout: announce their real start with a `begin` message */
  readonly timed: readonly number[]
  /** chain links (see worker/chain.ts), per job; absent when the batch has none */
  readonly links?: readonly (WireLink | null)[]
}

/** a chain link: run only if job `from` of the batch succeeded, with its result at the argument positions `fill` */
export interface WireLink {
  readonly from: number
  readonly fill: readonly number[]
}

/** one fn job as the worker runs it */
export interface WireFn {
  readonly name: string
  readonly fn: WireTarget
  readonly args: readonly unknown[]
  /** the job has a timeout: announce its real start with a `begin` message */
  readonly timed: boolean
  readonly link: WireLink | null
}

export interface WireCmd {
  readonly name: string
  readonly command: {readonly argv: readonly string[]} | {readonly shell: string}
  readonly stdin: string | Uint8Array | undefined
  readonly output: OutputMode
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  readonly timeout: number | null
}

export type ToWorker =
  | {readonly t: 'fn'; readonly batch: WireFnBatch}
  /** do not run job i of the current fn batch (it was cancelled) */
  | {readonly t: 'skip'; readonly i: number}
  | {readonly t: 'cmd'; readonly id: number; readonly job: WireCmd}
  | {readonly t: 'cancel-cmd'; readonly id: number}
  | {readonly t: 'ping'; readonly n: number}
  /** the run's object store (null: none); sent once to each worker before its first job */
  | {readonly t: 'objects'; readonly config: ObjectsConfig | null}

/** what a fn batch sends back, in job order */
export type OutItem =
  // c: its function called (its inputs read), r: it returned (its result is written from then to e)
  | {readonly k: 'ok'; readonly i: number; readonly v: unknown; readonly s: number; readonly e: number; readonly c?: number; readonly r?: number}
  | {readonly k: 'err'; readonly i: number; readonly err: TaskFailure; readonly s: number; readonly e: number; readonly c?: number; readonly r?: number}
  /** job i was skipped (cancelled before its turn) */
  | {readonly k: 'skip'; readonly i: number}
  | {readonly k: 'log'; readonly i: number; readonly fd: 'stdout' | 'stderr'; readonly text: string}

export type CmdResult =
  | {readonly ok: true; readonly value: unknown; readonly s: number; readonly e: number; readonly pid: number | null}
  | {readonly ok: false; readonly error: TaskFailure; readonly s: number; readonly e: number; readonly pid: number | null}

export type FromWorker =
  | {readonly t: 'ready'}
  /** results and logs of the current fn batch; `end` when the batch is finished */
  | {readonly t: 'out'; readonly items: readonly OutItem[]; readonly end: boolean}
  /** job i (which has a timeout) begins running now */
  | {readonly t: 'begin'; readonly i: number; readonly at: number}
  | {readonly t: 'spawned'; readonly id: number; readonly pid: number; readonly at: number}
  | {readonly t: 'cmd-log'; readonly id: number; readonly text: string}
  | {readonly t: 'cmd-done'; readonly id: number; readonly result: CmdResult}
  | {readonly t: 'pong'; readonly n: number}
  /** an error nothing caught: the worker exits right after (worker/fatal.ts) */
  | {readonly t: 'fatal'; readonly origin: 'uncaughtException' | 'unhandledRejection'; readonly error: TaskFailure}

/** the worker's view of a batch: one object per job */
export function unpackFnBatch(b: WireFnBatch): WireFn[] {
  const jobs: WireFn[] = new Array(b.names.length)
  for (let i = 0; i < jobs.length; i++) jobs[i] = {name: b.names[i]!, fn: b.targets[b.target[i]!]!, args: b.args[i]!, timed: b.timed.includes(i), link: b.links?.[i] ?? null}
  return jobs
}
