// The option and type vocabulary of the library API. The public declarations (index.d.ts)
// reach only this file, object-ref.ts and errors.ts: none of them may import the runtime,
// whose types name packages a user's project need not have (better-sqlite3, ioredis).
import type {ObjectRef} from './object-ref.js'

/** Options of a remote function or command (Ray's names, camelCased). Durations in seconds. */
export interface TaskOptions {
  /** CPU slots the task holds while it runs (default 1; fractions allowed) */
  readonly numCpus?: number
  /** other named slots, e.g. {gpu: 1} (the session's `init({resources})` must have them) */
  readonly resources?: Readonly<Record<string, number>>
  /** retries after a crash or a timeout (default 3; -1 = unlimited) */
  readonly maxRetries?: number
  /**
   * whether an exception (or a command's non-zero exit) is retried too: `true`, or the error
   * names / exit codes that are (`['ValueError', 'exit:3']`)
   */
  readonly retryExceptions?: boolean | readonly string[]
  /** seconds before the first retry (default 0) */
  readonly retryDelay?: number
  /** each later retry waits `backoff` times longer (default 1) */
  readonly backoff?: number
  /** seconds an attempt may run (default: none) */
  readonly timeout?: number | null
  /** environment additions for the task */
  readonly env?: Readonly<Record<string, string | ObjectRef<unknown>>>
  /** working directory (default: the session's) */
  readonly cwd?: string
  /**
   * reuse the result an earlier run (or this session) computed for the same key: the module's
   * code, the arguments, env, cwd (docs/graph-format.md, "cache"); default false
   */
  readonly cache?: boolean
}

export interface FunctionOptions extends TaskOptions {
  /** a worker process exits after running this function this many times (0 = never) */
  readonly maxCalls?: number
  /** the function returns an array of this many values; `.remote()` gives a ref to each */
  readonly numReturns?: number
}

export type CommandOutput = 'text' | 'json' | 'lines'

export interface CommandOptions extends TaskOptions {
  /** how stdout becomes the value: `text` (default) a string, `json` parsed, `lines` a string array */
  readonly output?: CommandOutput
  /** the command's standard input */
  readonly stdin?: string | Uint8Array | ObjectRef<string | Uint8Array>
}

// eslint-style note: `any` below is the only way to accept every function type; it does not escape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown

/** each argument may be its value or a ref to a value of its type */
export type RemoteArgs<P extends readonly unknown[]> = {[K in keyof P]: P[K] | ObjectRef<P[K]>}

/** a `numReturns: N` task's refs: one per element of the tuple it returns */
export type RefTuple<T, N extends number> = T extends readonly unknown[]
  ? number extends T['length']
    ? BuildTuple<N, ObjectRef<T[number]>>
    : {[K in keyof T]: ObjectRef<T[K]>}
  : BuildTuple<N, ObjectRef<unknown>>

type BuildTuple<N extends number, E, Acc extends E[] = []> = Acc['length'] extends N ? Acc : number extends N ? E[] : BuildTuple<N, E, [...Acc, E]>

/** what `.remote()` returns for a function returning T with `numReturns` N */
export type RemoteResult<T, N extends number> = N extends 1 ? ObjectRef<T> : RefTuple<T, N>

/** the exports of a module that are functions */
export type FunctionKeys<M> = {[K in keyof M]: M[K] extends AnyFunction ? K : never}[keyof M] & string

export interface InitOptions {
  /** CPU slots (default: the machine's cores) */
  readonly numCpus?: number
  /** other named slots, e.g. {gpu: 2} */
  readonly resources?: Readonly<Record<string, number>>
  /**
   * record the session as a run in the store ($RAYTS_HOME), so `rayts status`, `logs`, `get`
   * and `timeline` work on it (default true)
   */
  readonly record?: boolean
  /** a name for the run in `rayts list` (default: the script's file name) */
  readonly name?: string
  /**
   * a Redis URL: run the tasks on that cluster's `rayts worker`s instead of this machine's
   * pool (the password from $RAYTS_REDIS_PASSWORD, or in the URL)
   */
  readonly cluster?: string
  /**
   * with `cluster`: more task modules to ship to the workers, besides those declared with
   * `ray.module`/`ray.remote` before `init` (their imports go too)
   */
  readonly code?: readonly (URL | string)[]
  /**
   * bytes of tmpfs (/dev/shm) the session's object store may use before big values spill to
   * disk (default: $RAYTS_OBJECT_STORE_MEMORY, else a share of /dev/shm, as `rayts run`)
   */
  readonly objectStoreMemory?: number
  /** progress on stderr: `live` (the terminal UI) or `plain` (one line per task); default none */
  readonly progress?: 'live' | 'plain'
  /** false: the session neither reads nor writes the result cache, whatever `{cache: true}` says (default true) */
  readonly cache?: boolean
}

/** the value a command's stdout becomes */
export type CommandValue<O extends CommandOutput | undefined> = O extends 'json' ? unknown : O extends 'lines' ? string[] : string

export type Argv = readonly (string | number | ObjectRef<unknown>)[]

export interface RemoteFunction<F extends AnyFunction, N extends number = 1> {
  /** submit a call; returns at once with a ref (or, with `numReturns: N`, a tuple of N refs) */
  remote(...args: RemoteArgs<Parameters<F>>): RemoteResult<Awaited<ReturnType<F>>, N>
  /** the same function with other options (like Ray's `.options(...)`) */
  options<const O extends FunctionOptions>(options: O): RemoteFunction<F, O extends {numReturns: infer M extends number} ? M : N>
  /** the module file and export name it runs */
  readonly module: string
  readonly exportName: string
}
