// The library API, in Ray's words: init, remote, get, wait, put, cancel, timeline, shutdown.
// One session at a time per process, like Ray's driver; `.remote()` before `init()` starts
// one with the defaults (as Ray does).
import {submitCommand} from './command.js'
import {atBoundary, raytsErrorOf} from './boundary.js'
import {GetTimeoutError, RaytsError} from './errors.js'
import {ObjectRef} from './object-ref.js'
import {declaredModules, makeRemoteFunction, modulePath, type SessionSource} from './remote-function.js'
import {Session} from './session.js'
import {checkEnvSizes} from '../runtime/env-sizes.js'
import {checkValue, RefCollector} from './task-specs.js'
import type {AnyFunction, Argv, CommandOptions, CommandValue, FunctionKeys, FunctionOptions, InitOptions, RemoteFunction} from './types.js'
import {DEFAULT_OPTIONS} from '../graph/compile/options.js'
import {newRunId} from '../store/index.js'
import type {CodeSource} from '../cluster/code-files.js'

let current: Session | null = null

const source: SessionSource = {
  session() {
    if (!current || current.closed) {
      try {
        current = startSession({})
      } catch (error) {
        throw raytsErrorOf(error)
      }
    }
    return current
  },
}

const INIT_OPTIONS: ReadonlySet<string> = new Set<keyof InitOptions>(['numCpus', 'resources', 'record', 'name', 'cluster', 'code', 'objectStoreMemory', 'progress', 'cache'])

function checkInitOptions(options: InitOptions): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new RaytsError('init: the options must be an object')
  for (const key of Object.keys(options)) {
    if (!INIT_OPTIONS.has(key)) throw new RaytsError(`init: unknown option ${JSON.stringify(key)} (known: ${[...INIT_OPTIONS].join(', ')})`)
  }
}

function startSession(options: InitOptions): Session {
  if (options.numCpus !== undefined && !(typeof options.numCpus === 'number' && options.numCpus > 0)) throw new RaytsError(`init: numCpus must be a number > 0, not ${String(options.numCpus)}`)
  const memory = options.objectStoreMemory
  if (memory !== undefined && !(Number.isSafeInteger(memory) && memory > 0)) throw new RaytsError(`init: objectStoreMemory must be a whole number of bytes > 0, not ${String(memory)}`)
  checkEnv()
  return new Session(options, options.record !== false)
}

/** a bad size in the environment ($RAYTS_LOG_RUN_MAX, ...) is refused when a session starts */
function checkEnv(): void {
  try {
    checkEnvSizes(process.env, {homeBudget: false})
  } catch (error) {
    throw new RaytsError(`init: ${(error as Error).message}`, {cause: error})
  }
}

async function startClusterSession(options: InitOptions, url: string): Promise<Session> {
  checkEnv()
  if (options.record === false) throw new RaytsError('init: a cluster session is always recorded (record: false is for local sessions)')
  const {prepareCluster} = await import('../cluster/index.js')
  const {UsageError} = await import('../core/usage-error.js')
  const modules = new Set(declaredModules)
  for (const m of options.code ?? []) modules.add(modulePath(m))
  if (modules.size === 0) throw new RaytsError('init: a cluster session needs its task modules first: declare them with ray.module/ray.remote before init, or list them in init({code})')
  const runId = newRunId()
  const dir = process.cwd()
  const codeOf: CodeSource = {
    dir,
    tasks: [...modules].map((module) => ({id: module, fn: {name: module, module, export: ''}, cwd: dir, options: {...DEFAULT_OPTIONS, numCpus: 0}})),
  }
  let prepared
  const graph = Session.emptyGraph(options)
  try {
    prepared = await prepareCluster(url, graph, runId, {numCpus: options.numCpus, resources: options.resources ?? {}}, codeOf)
  } catch (error) {
    if (error instanceof UsageError) throw new RaytsError(`init: ${error.message}`, {cause: error})
    throw error
  }
  return new Session(options, true, {runId, prepared, modules}, graph)
}

export interface SessionInfo {
  /** the run id: `rayts status RUN`, `rayts logs RUN`, `rayts timeline RUN -o FILE` */
  readonly runId: string
}

/** Start a session (a run in the store). Throws if one is already running. */
export async function init(options: InitOptions = {}): Promise<SessionInfo> {
  return atBoundary(async () => {
    checkInitOptions(options)
    if (current && !current.closed) throw new RaytsError('init: a session is already running (call shutdown() first)')
    current = options.cluster === undefined ? startSession(options) : await startClusterSession(options, options.cluster)
    if (options.progress) await current.attachProgress(options.progress)
    return {runId: current.runId}
  })
}

export function isInitialized(): boolean {
  return current !== null && !current.closed
}

/** the running session's run id */
export function runId(): string {
  return source.session().runId
}

/**
 * A remote function: `remote<typeof fn>(moduleUrl, 'exportName', options)`. Its `.remote(...)`
 * runs the export in a worker process. For typed exports without naming the function type,
 * use `module<typeof import('./m.js')>(url).remote('name')`.
 */
export function remote<F extends AnyFunction = AnyFunction>(module: URL | string, exportName: string, options: FunctionOptions = {}): RemoteFunction<F> {
  return makeRemoteFunction<F, 1>(source, modulePath(module), exportName, options)
}

export interface RemoteModule<M> {
  /** the export `name` as a remote function, typed from the module */
  remote<K extends FunctionKeys<M>>(name: K, options?: FunctionOptions): RemoteFunction<Extract<M[K], AnyFunction>>
}

/** A module whose exports become remote functions, typed: `module<typeof import('./m.js')>(url)`. */
export function module<M>(url: URL | string): RemoteModule<M> {
  const path = modulePath(url)
  return {
    remote: (name, options = {}) => makeRemoteFunction(source, path, name, options),
  }
}

/** A command as a task: an argv array (no shell; refs as arguments) or a /bin/sh -c string. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no options: O['output'] is undefined
export function command<const O extends CommandOptions = {}>(cmd: Argv | string, options?: O): ObjectRef<CommandValue<O['output']>> {
  return submitCommand(source, cmd, options ?? ({} as O))
}

/** A value as a ref, to pass to many tasks (stored once in the run, like Ray's `put`). */
export function put<T>(value: T): ObjectRef<T> {
  checkValue(value, 'put: the value', 'no refs')
  const session = source.session()
  const id = session.nextId('put')
  const idx = session.submit(
    {id, kind: 'fn', fn: {name: 'put', module: '', export: ''}, cmd: null, args: [], stdin: undefined, output: 'text', env: {}, options: DEFAULT_OPTIONS},
    new RefCollector(session),
    {put: value},
  )
  return new ObjectRef<T>(session, idx, id, null)
}

export interface GetOptions {
  /** seconds to wait at most; then GetTimeoutError (default: forever) */
  readonly timeout?: number | null
}

type Values<R extends readonly ObjectRef<unknown>[]> = {-readonly [K in keyof R]: R[K] extends ObjectRef<infer T> ? T : never}

/**
 * The value of a ref, or the values of a list of refs, once ready. A failed task throws its
 * TaskError (WorkerCrashedError for a crash); a cancelled one TaskCancelledError.
 */
export function get<T>(ref: ObjectRef<T>, options?: GetOptions): Promise<T>
export function get<const R extends readonly ObjectRef<unknown>[]>(refs: R, options?: GetOptions): Promise<Values<R>>
export async function get(refs: ObjectRef<unknown> | readonly ObjectRef<unknown>[], options: GetOptions = {}): Promise<unknown> {
  const list = refs instanceof ObjectRef ? [refs] : checkRefList(refs, 'get')
  const session = sessionOf(list)
  if (!session) return []
  const timeoutMs = toMs(options.timeout, 'get')
  const insts = list.map((r) => r.inst)
  const ok = await session.whenSettled(insts, insts.length, timeoutMs)
  if (!ok) {
    const pending = list.filter((r) => !session.outcome(r.inst)).map((r) => r.name)
    throw new GetTimeoutError(`get: ${pending.join(', ')} not ready after ${options.timeout} s`)
  }
  for (const r of list) {
    const outcome = session.outcome(r.inst)!
    if (!outcome.ok) throw await session.failure(outcome.error)
  }
  let values
  try {
    values = list.map((r) => {
      const value = session.value(r.inst)
      return r.part === null ? value : (value as unknown[])[r.part]
    })
  } catch (error) {
    throw raytsErrorOf(error) // a value read back from the object store may be gone (an ObjectError)
  }
  return refs instanceof ObjectRef ? values[0] : values
}

export interface WaitOptions {
  /** how many refs must be ready (default 1; at most the number of refs) */
  readonly numReturns?: number
  /** seconds to wait at most; then what is ready so far (default: forever) */
  readonly timeout?: number | null
}

/**
 * Ray's `wait`: returns once `numReturns` of the refs are ready (finished, in success or
 * failure) or the timeout passes. Both lists keep the order of `refs`.
 */
export async function wait<R extends ObjectRef<unknown>>(refs: readonly R[], options: WaitOptions = {}): Promise<{ready: R[]; remaining: R[]}> {
  const list = checkRefList(refs, 'wait')
  const numReturns = options.numReturns ?? 1
  if (!Number.isInteger(numReturns) || numReturns < 1) throw new RaytsError(`wait: numReturns must be an integer ≥ 1, not ${numReturns}`)
  if (numReturns > list.length) throw new RaytsError(`wait: numReturns (${numReturns}) is more than the ${list.length} refs given`)
  const session = sessionOf(list)
  if (!session) return {ready: [], remaining: []}
  const seen = new Set<string>()
  for (const r of list) {
    if (seen.has(r.name)) throw new RaytsError(`wait: ${r} is given twice`)
    seen.add(r.name)
  }
  await session.whenSettled(
    list.map((r) => r.inst),
    numReturns,
    toMs(options.timeout, 'wait'),
  )
  const ready: R[] = []
  const remaining: R[] = []
  for (const r of list) {
    if (ready.length < numReturns && session.outcome(r.inst)) ready.push(r)
    else remaining.push(r)
  }
  return {ready, remaining}
}

/** Cancel a task: dropped if it has not started, its process killed if it runs. */
export function cancel(ref: ObjectRef<unknown>): void {
  if (!(ref instanceof ObjectRef)) throw new RaytsError('cancel: expected an ObjectRef')
  ;(ref.session as Session).cancel(ref)
}

/** Write the session's timeline so far: a Chrome trace (.json) or a Gantt page (.html). */
export async function timeline(file: string): Promise<{file: string; format: string; events: number}> {
  const session = current
  if (!session) throw new RaytsError('timeline: no session (call init() first)')
  return atBoundary(() => session.timeline(file))
}

/** End the session: unfinished tasks are cancelled, every worker stops, the run is recorded. */
export async function shutdown(): Promise<void> {
  const session = current
  current = null
  if (session) await atBoundary(() => session.shutdown())
}

function checkRefList<R extends ObjectRef<unknown>>(refs: readonly R[], where: string): readonly R[] {
  if (!Array.isArray(refs)) throw new RaytsError(`${where}: expected an ObjectRef or an array of them`)
  for (const r of refs) if (!(r instanceof ObjectRef)) throw new RaytsError(`${where}: expected ObjectRefs, got ${typeof r}`)
  return refs
}

/** the session the refs belong to: the running one if any is its (so a ref of an ended one is named), else the first's */
function sessionOf(refs: readonly ObjectRef<unknown>[]): Session | null {
  if (refs.length === 0) return null
  const running = current && !current.closed && refs.some((r) => r.session === current) ? current : null
  const session = running ?? (refs[0]!.session as Session)
  for (const r of refs) session.own(r)
  return session
}

function toMs(timeout: number | null | undefined, where: string): number | null {
  if (timeout === undefined || timeout === null) return null
  if (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout)) throw new RaytsError(`${where}: timeout must be a number of seconds ≥ 0, or null`)
  return Math.round(timeout * 1000)
}
