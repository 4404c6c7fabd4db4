// The one error model: every error rayts throws on its own account is a RaytsError with a
// stable `code` (as undici has UND_ERR_*, fastify FST_ERR_*), and the code decides the exit
// code of the command line, in the one table below. Errors of the user's own tasks are not
// rayts errors: they cross from the worker as TaskFailure data (core/events.ts).
import {ExitCode} from './exit-codes.js'

/**
 * Every code, with the exit code a command ends with when it meets that error
 * (docs/limits.md lists the exit codes, docs/api.md the codes).
 */
const EXIT_CODES = {
  /** a mistake of the caller's: a flag, an argument, an option, a run id (UsageError, or a RaytsError alone) */
  RAYTS_ERR_USAGE: ExitCode.Usage,
  /** a graph that does not compile (GraphError) */
  RAYTS_ERR_GRAPH: ExitCode.Usage,
  /** a task that could never fit the run's CPUs or resources (RunSetupError) */
  RAYTS_ERR_RUN_SETUP: ExitCode.Usage,
  /** the run store cannot be used: damaged, empty, read-only, on a full disk (StoreError) */
  RAYTS_ERR_STORE: ExitCode.Usage,
  /** a missing, corrupt or unreadable object of a run (ObjectError) */
  RAYTS_ERR_OBJECT: ExitCode.TaskFailed,
  /** tmpfs and disk both full (ObjectStoreFullError) */
  RAYTS_ERR_OBJECT_STORE_FULL: ExitCode.TaskFailed,
  /** a task's input could not be put in its arguments: a missing task, a cycle (ResolveError) */
  RAYTS_ERR_RESOLVE: ExitCode.TaskFailed,
  /** Redis cannot be reached or does not answer (ClusterConnectError) */
  RAYTS_ERR_CLUSTER_CONNECT: ExitCode.Usage,
  /** the code to ship to a cluster is too big, or a pack holds a path outside its folder (CodePackError) */
  RAYTS_ERR_CODE_PACK: ExitCode.Usage,
  /** a graph's `include` glob leaves its folder (IncludeError) */
  RAYTS_ERR_INCLUDE: ExitCode.Usage,
  /** a task module's imports cannot be followed (ImportError) */
  RAYTS_ERR_IMPORT: ExitCode.Usage,
  /** the dashboard's port is taken (PortError) */
  RAYTS_ERR_PORT: ExitCode.Usage,
  /** a task failed for good, or an input it needed did (TaskError) */
  RAYTS_ERR_TASK: ExitCode.TaskFailed,
  /** a task's worker process died on its last attempt (WorkerCrashedError) */
  RAYTS_ERR_WORKER_CRASHED: ExitCode.TaskFailed,
  /** a task was cancelled (TaskCancelledError) */
  RAYTS_ERR_TASK_CANCELLED: ExitCode.Interrupted,
  /** a wait for results passed its timeout (GetTimeoutError; `rayts get --timeout`) */
  RAYTS_ERR_GET_TIMEOUT: ExitCode.Timeout,
  /** the system refused: a file that cannot be written, a folder that cannot be read; `cause` is its error */
  RAYTS_ERR_SYSTEM: ExitCode.TaskFailed,
  /** a rayts bug: an error of no other kind, met at the library's boundary; `cause` is the error */
  RAYTS_ERR_INTERNAL: ExitCode.Internal,
} as const satisfies Record<`RAYTS_ERR_${string}`, (typeof ExitCode)[keyof typeof ExitCode]>

export type ErrorCode = keyof typeof EXIT_CODES

/** every code, in the order of the table */
export const ERROR_CODES = Object.keys(EXIT_CODES) as readonly ErrorCode[]

/** the exit code a command ends with for an error of `code` */
export function exitCodeOf(code: ErrorCode): number {
  return EXIT_CODES[code]
}

/**
 * The brand isRaytsError looks for. `Symbol.for` gives the same symbol in every copy of
 * rayts in a process (the CLI's bundle beside dist/, two installed versions), where
 * `instanceof` sees only its own copy's classes.
 */
const BRAND: unique symbol = Symbol.for('rayts.error')

export interface RaytsErrorOptions {
  /** default RAYTS_ERR_USAGE: a RaytsError thrown alone is a misuse */
  readonly code?: ErrorCode
  readonly cause?: unknown
}

/**
 * The base of every error rayts throws on its own account. A subclass keeps its name and
 * sets its code: `override readonly code = 'RAYTS_ERR_OBJECT'`.
 */
export class RaytsError extends Error {
  override name = 'RaytsError'
  readonly code: ErrorCode

  constructor(message: string, options: RaytsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.code = options.code ?? 'RAYTS_ERR_USAGE'
  }

  get [BRAND](): true {
    return true
  }
}

/** Whether `value` is a RaytsError, of this copy of rayts or of another. */
export function isRaytsError(value: unknown): value is RaytsError {
  return typeof value === 'object' && value !== null && (value as {[BRAND]?: unknown})[BRAND] === true
}
