// The errors a library user catches, named as Ray names them where Ray has them. Each is a
// RaytsError (core/errors.ts) with a stable `code`; docs/api.md lists them.
import type {FailureKind, TaskFailure} from '../core/events.js'
import {RaytsError} from '../core/errors.js'

export {RaytsError, isRaytsError, type ErrorCode} from '../core/errors.js'
export {ObjectError, ObjectStoreFullError} from '../objects/errors.js'
export {StoreError} from '../store/errors.js'

/**
 * A task failed for good (after its retries), or an input it needed did. `remoteName`,
 * `remoteMessage` and `remoteStack` are the error as it was thrown in the worker.
 */
export class TaskError extends RaytsError {
  override name = 'TaskError'
  override readonly code: 'RAYTS_ERR_TASK' | 'RAYTS_ERR_WORKER_CRASHED' = 'RAYTS_ERR_TASK'
  /** the task's instance name in the run (`makeArray_3`) */
  readonly task: string
  readonly kind: FailureKind
  readonly remoteName: string
  readonly remoteMessage: string
  readonly remoteStack: string | undefined
  /** command tasks: the exit code, when the process exited */
  readonly exitCode: number | undefined
  readonly signal: string | undefined
  /** the task whose failure this is, when it is not `task` itself (an input failed) */
  readonly failedInput: string | undefined
  readonly timedOut: boolean
  readonly crashed: boolean

  constructor(
    task: string,
    private readonly data: TaskFailure,
    failedInput?: string,
  ) {
    const error = data
    const where = failedInput ? `${task}: its input ${failedInput} failed: ` : `${task}: `
    super(`${where}${error.name}: ${error.message}`)
    this.task = task
    this.kind = error.kind
    this.remoteName = error.name
    this.remoteMessage = error.message
    this.remoteStack = error.stack
    this.exitCode = error.exitCode
    this.signal = error.signal
    this.failedInput = failedInput
    this.timedOut = error.kind === 'timeout'
    this.crashed = error.kind === 'crash'
  }

  /** the same failure, as thrown for `task`, which waited for this one */
  forDependent(task: string): TaskError {
    return taskErrorOf(task, this.data, this.failedInput ?? this.task)
  }
}

/** The worker process running the task died (a crash, not an exception), on its last attempt. */
export class WorkerCrashedError extends TaskError {
  override name = 'WorkerCrashedError'
  override readonly code = 'RAYTS_ERR_WORKER_CRASHED'
}

/** The task was cancelled (`ray.cancel`, or the session was shut down before it finished). */
export class TaskCancelledError extends RaytsError {
  override name = 'TaskCancelledError'
  override readonly code = 'RAYTS_ERR_TASK_CANCELLED'
  constructor(readonly task: string) {
    super(`${task} was cancelled`)
  }
}

/** `ray.get` gave up waiting: its `timeout` passed first. */
export class GetTimeoutError extends RaytsError {
  override name = 'GetTimeoutError'
  override readonly code = 'RAYTS_ERR_GET_TIMEOUT'
}

export function taskErrorOf(task: string, error: TaskFailure, failedInput?: string): TaskError {
  return error.kind === 'crash' ? new WorkerCrashedError(task, error, failedInput) : new TaskError(task, error, failedInput)
}
