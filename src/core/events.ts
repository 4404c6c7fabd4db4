// The runtime's one event stream. The scheduler and executor emit; the store, the live UI,
// the plain and JSON reporters and the timeline subscribe. The emitter never knows who listens.
//
// Times (`t`) are microseconds on the machine's monotonic clock (see clock.ts), comparable
// across the processes of one machine; `run-start` carries the one wall-clock anchor.
// Instances are named by their index `inst` into the run's instance table: the compiled
// graph's `instances`, extended by `expanded` events for dynamic fan-out and by `added`
// events for tasks submitted to an open run.

/** `skipped`: never ran, because an instance it needs failed (the error of a skipped instance) */
export type FailureKind = 'crash' | 'timeout' | 'error' | 'cancelled' | 'skipped'

/** A failure of one attempt, as it crosses processes and is stored: plain data. */
export interface TaskFailure {
  readonly kind: FailureKind
  /** error name (`ValueError`, `TypeError`, `ExitError`, `TimeoutError`, `CrashError`) */
  readonly name: string
  readonly message: string
  /** the worker-side stack, when there is one */
  readonly stack?: string
  /** cmd tasks: the exit code, when the process exited */
  readonly exitCode?: number
  /** the signal that ended the process (crash of a worker, or a cmd) */
  readonly signal?: string
}

/**
 * The phases of an fn attempt, like Ray's task:deserialize_arguments / task:execute /
 * task:store_outputs: reading its inputs (object-store values included) from `startedAt`
 * to `calledAt`, executing to `returnedAt`, writing its result to the end (`t`). Absent
 * when they are not known (cmd tasks, cluster workers, an attempt that never ran).
 */
export interface AttemptPhases {
  readonly calledAt?: number
  readonly returnedAt?: number
}

export type InstanceState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  /** succeeded without running: the result came from the cross-run cache */
  | 'cached'

export type RunState = 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface InstanceInfo {
  readonly idx: number
  readonly name: string
  readonly task: string
  readonly index: number | null
  /** instance indexes it waits for */
  readonly deps?: readonly number[]
  /** the task's CPU slots and named resources while it runs */
  readonly numCpus?: number
  readonly resources?: Readonly<Record<string, number>>
  /** retries allowed after crash/timeout (-1 unlimited) */
  readonly maxRetries?: number
  readonly kind?: 'fn' | 'cmd'
  /** fn: the function's name; cmd: the command as written (argv joined by spaces) */
  readonly what?: string
  readonly maxCalls?: number
}

export type RunEvent =
  | {
      readonly type: 'run-start'
      readonly t: number
      /** Date.now() at `t`: the wall-clock anchor */
      readonly wallMs: number
      readonly runId: string
      readonly graph: string
      readonly file: string
      readonly capacity: Readonly<Record<string, number>> // `cpu` plus named resources
      readonly instances: readonly InstanceInfo[]
      readonly outputs: readonly string[]
    }
  /** dynamic fan-out: instances made at run time (their marker keeps its own idx) */
  | {readonly type: 'expanded'; readonly t: number; readonly task: string; readonly marker: number; readonly instances: readonly InstanceInfo[]}
  /** tasks submitted to an open run (a library session) while it runs, and their instances */
  | {readonly type: 'added'; readonly t: number; readonly tasks: readonly string[]; readonly instances: readonly InstanceInfo[]}
  | {readonly type: 'ready'; readonly t: number; readonly inst: number}
  /** an attempt handed to the executor */
  | {readonly type: 'start'; readonly t: number; readonly inst: number; readonly attempt: number; readonly pid: number | null}
  | {
      readonly type: 'succeeded'
      readonly t: number
      readonly inst: number
      readonly attempt: number
      readonly pid: number | null
      /** when the attempt really began running (in a worker's batch it may be later than `start`) */
      readonly startedAt: number
      readonly value: unknown
      /** fn: when its inputs were read and its function called, and when that returned (see AttemptPhases) */
      readonly calledAt?: number
      readonly returnedAt?: number
      /**
       * a cache hit: not run, the value is the stored one of this key (attempt 0, pid null);
       * `bytes`, when given, are the value as v8.serialize writes it (the entry's own bytes:
       * the store keeps them as they are instead of encoding the value again)
       */
      readonly cached?: {readonly key: string; readonly bytes?: Uint8Array}
    }
  /** one attempt failed; `retryAt` is set when another attempt will follow */
  | {
      readonly type: 'attempt-failed'
      readonly t: number
      readonly inst: number
      readonly attempt: number
      readonly pid: number | null
      readonly startedAt: number
      readonly error: TaskFailure
      readonly retryAt: number | null
      readonly calledAt?: number
      readonly returnedAt?: number
    }
  /** failed for good (after the last attempt-failed) */
  | {readonly type: 'failed'; readonly t: number; readonly inst: number; readonly error: TaskFailure}
  | {readonly type: 'skipped'; readonly t: number; readonly inst: number; readonly because: number}
  | {readonly type: 'cancelled'; readonly t: number; readonly inst: number}
  /**
   * The run stopped (a cancel, --fail-fast): every instance not ended by then (pending,
   * ready, running, retrying) is cancelled at `t`. One event however many instances wait,
   * so that stopping a run of 200,000 costs one record, not 200,000.
   */
  | {readonly type: 'cancelled-rest'; readonly t: number}
  | {readonly type: 'log'; readonly t: number; readonly inst: number; readonly attempt: number; readonly stream: 'stdout' | 'stderr'; readonly text: string}
  | {readonly type: 'worker-start'; readonly t: number; readonly pid: number}
  | {readonly type: 'worker-exit'; readonly t: number; readonly pid: number; readonly reason: 'max_calls' | 'crash' | 'timeout' | 'cancel' | 'shutdown'; readonly calls: number}
  /** a cmd attempt's process group, so a store can kill it if the run is lost */
  | {readonly type: 'process-group'; readonly t: number; readonly inst: number; readonly attempt: number; readonly pgid: number; readonly alive: boolean}
  | {readonly type: 'run-end'; readonly t: number; readonly state: RunState}

export type RunEventType = RunEvent['type']
export type EventOf<T extends RunEventType> = Extract<RunEvent, {type: T}>

export type RunListener = (event: RunEvent) => void

/** A tiny synchronous fan-out: listeners are called in subscription order. */
export class EventStream {
  private listeners: RunListener[] = []

  subscribe(listener: RunListener): () => void {
    this.listeners.push(listener)
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener)
    }
  }

  emit(event: RunEvent): void {
    for (const l of this.listeners) l(event)
  }
}
