// A library session: one open run on the one runtime, started as `rayts run` starts its
// run (runtime/recorded-run.ts) and recorded alike, that takes tasks while it runs.
import {basename, resolve as resolvePath} from 'node:path'
import type {CompiledGraph, InstanceSpec, TaskSpec} from '../graph/model.js'
import type {RunEvent} from '../core/events.js'
import {capacityOf} from '../runtime/run.js'
import type {RunHandle, RunSummary} from '../runtime/types.js'
import {type RecordedRun, RUN_SIGNALS, startRecordedRun} from '../runtime/recorded-run.js'
import {demandOf, ResourcePool} from '../scheduler/resources.js'
import {newRunId, openStore, type Store} from '../store/index.js'
import type {PreparedCluster} from '../cluster/index.js'
import {RaytsError, TaskCancelledError, TaskError, taskErrorOf} from './errors.js'
import type {ObjectRef} from './object-ref.js'
import {foreignRef, makeTask, type CallParts, type RefCollector} from './task-specs.js'
import type {InitOptions} from './types.js'

export type SessionGraph = CompiledGraph & {tasks: TaskSpec[]; instances: InstanceSpec[]; taskById: Map<string, TaskSpec>; instanceByName: Map<string, InstanceSpec>}

/** a session on a cluster: its run id and the cluster prepared for it (cluster/prepare.ts) */
export interface SessionCluster {
  readonly runId: string
  readonly prepared: PreparedCluster
  /** the module files in the code pack */
  readonly modules: ReadonlySet<string>
}

type Settled = {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly error: TaskError | TaskCancelledError}

export class Session {
  readonly runId: string
  readonly cwd = process.cwd()
  readonly file: string
  private readonly graph: SessionGraph
  private readonly handle: RunHandle
  private readonly pool: ResourcePool
  private readonly put = new Map<string, unknown>()
  private readonly settled: (Settled | undefined)[] = []
  private readonly names: string[] = []
  private readonly listeners = new Set<(inst: number) => void>()
  private readonly idCounts = new Map<string, number>()
  private readonly cluster: SessionCluster | null
  /** null for a session that is not recorded (init({record: false})) */
  private readonly store: Store | null
  private readonly run: RecordedRun
  /** values read back from the object store, by instance (get reads each once) */
  private readonly loaded = new Map<number, unknown>()
  private reporter: {close(): Promise<void>; cancelling(why?: string): void} | null = null
  private closing: Promise<RunSummary> | null = null
  private readonly onSignal: (signal: NodeJS.Signals) => void
  /**
   * set when a signal ends the session that the program then dies of: settles only if it
   * survives that (it took a handler of its own meanwhile)
   */
  private dying: Promise<void> | null = null
  private readonly onBeforeExit: () => void

  /** synchronous: a session can start on the first `.remote()` (Ray's implicit init) */
  constructor(readonly options: InitOptions, recorded: boolean, cluster?: SessionCluster, graph?: SessionGraph) {
    this.graph = graph ?? Session.emptyGraph(options)
    this.file = this.graph.file
    const slots = cluster ? {numCpus: cluster.prepared.numCpus, resources: cluster.prepared.resources} : {numCpus: options.numCpus, resources: options.resources}
    this.pool = new ResourcePool(capacityOf(slots))
    this.cluster = cluster ?? null
    this.store = recorded ? openStore() : null
    this.runId = cluster?.runId ?? (recorded ? newRunId() : `api-${process.pid}-${Date.now().toString(36)}`)
    this.run = startRecordedRun({
      graph: this.graph,
      run: {runId: this.runId, ...slots, reuse: this.put, open: true},
      deps: cluster ? {makeExecutor: cluster.prepared.makeExecutor} : {},
      store: this.store,
      meta: {runId: this.runId, graphFile: '', set: [], numCpus: options.numCpus ?? null, resources: {...options.resources}, failFast: false},
      // a cluster keeps its own value path (Redis); without a folder for them, values cross inline
      objects: cluster ? null : {budget: options.objectStoreMemory, env: process.env, unavailable: () => {}},
      // library code writes nothing to the terminal unasked: a cache warning only means a task runs
      cache: options.cache === false ? null : {file: this.file, dir: this.cwd, inlineHits: cluster !== undefined, warn: () => {}},
      // a recorded session's timeline is read back from the store
      collect: !recorded,
    })
    this.handle = this.run.handle
    // Redis lost mid-session: the tasks in flight failed (ClusterLostError); cancel the rest
    void cluster?.prepared.lost.then(() => this.handle.cancel())
    this.handle.events.subscribe((e) => this.apply(e))
    this.onSignal = (signal) => {
      const ours = process.listenerCount(signal) === 0 // a once() listener is removed before it is called
      let survived = (): void => {}
      // before shutdown(): it cancels the tasks at once, and a get waiting on them must not throw
      if (ours) this.dying = new Promise((resolve) => (survived = resolve))
      void this.shutdown(signal).finally(() => {
        if (!ours) return
        // nobody else handles it: die of the signal as the program would have without us
        process.kill(process.pid, signal)
        survived()
      })
    }
    this.onBeforeExit = () => void this.shutdown()
    for (const s of RUN_SIGNALS) process.once(s, this.onSignal)
    process.once('beforeExit', this.onBeforeExit)
    this.handle.start()
  }

  /** the graph a session grows: tasks are added as they are submitted */
  static emptyGraph(options: InitOptions): SessionGraph {
    const script = process.argv[1]
    return {
      file: script ? resolvePath(script) : process.cwd(),
      dir: process.cwd(),
      name: options.name ?? (script ? basename(script) : 'session'),
      description: undefined,
      tasks: [],
      taskById: new Map(),
      instances: [],
      instanceByName: new Map(),
      order: [],
      outputs: [],
    }
  }

  /** the live UI or plain progress on stderr (init's `progress`) */
  async attachProgress(kind: 'live' | 'plain'): Promise<void> {
    const {attachReporter, wantColor} = await import('../ui/index.js')
    this.reporter = await attachReporter(this.handle.events, {
      renderer: kind === 'live' ? 'ink' : 'plain',
      color: wantColor({flag: true, stream: process.stderr, env: process.env}),
      quietTasks: true, // a program's terminal is its own: task output stays in the store (docs/api.md)
      stdout: process.stdout,
      stderr: process.stderr,
    })
  }

  get closed(): boolean {
    return this.closing !== null
  }

  /** a fresh task id for a call of `base` (`makeArray_1`, `makeArray_2`, ...) */
  nextId(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^([^A-Za-z_])/, '_$1') || 'task'
    const n = (this.idCounts.get(clean) ?? 0) + 1
    this.idCounts.set(clean, n)
    return `${clean}_${n}`
  }

  get nextIndex(): number {
    return this.graph.instances.length
  }

  /** submit one task; returns its instance index */
  submit(parts: Omit<CallParts, 'idx' | 'file' | 'cwd'> & {cwd?: string}, refs: RefCollector, value?: {readonly put: unknown}): number {
    this.checkOpen()
    const why = this.pool.neverFits(demandOf(parts.options))
    if (why) throw new RaytsError(`${parts.id} ${why}`)
    const module = parts.fn?.module
    if (this.cluster && module && !value && !this.cluster.modules.has(module)) {
      throw new RaytsError(`${parts.id}: ${module} is not in the cluster's code pack: declare it (ray.module or ray.remote) before init, or list it in init({code})`)
    }
    const idx = this.graph.instances.length
    const {task, instance} = makeTask({...parts, idx, file: this.file, cwd: parts.cwd ?? this.cwd}, refs)
    if (value) this.put.set(task.id, this.run.objects ? this.run.objects.store(value.put) : value.put)
    this.graph.tasks.push(task)
    this.graph.taskById.set(task.id, task)
    this.graph.instances.push(instance)
    this.graph.instanceByName.set(instance.name, instance)
    this.names[idx] = task.id
    this.handle.add([task], [instance])
    return idx
  }

  cancel(ref: ObjectRef<unknown>): void {
    this.own(ref)
    if (!this.closed) this.handle.cancelInstance(ref.inst)
  }

  /** the settled outcome of an instance, or undefined while it runs (its value may hold object references) */
  outcome(inst: number): Settled | undefined {
    return this.settled[inst]
  }

  /** the value of a succeeded instance, read from the object store where it is there */
  value(inst: number): unknown {
    const outcome = this.settled[inst]
    if (!outcome?.ok) throw new RaytsError(`instance ${inst} has no value`)
    const objects = this.run.objects
    if (!objects) return outcome.value
    if (!this.loaded.has(inst)) this.loaded.set(inst, objects.load(outcome.value))
    return this.loaded.get(inst)
  }

  /** resolves once `ready(inst)` holds for enough of `insts`, or when `timeoutMs` passes */
  whenSettled(insts: readonly number[], count: number, timeoutMs: number | null): Promise<boolean> {
    // how many of `insts` are still unsettled, by instance (a numReturns task's parts repeat it)
    const open = new Map<number, number>()
    let done = 0
    for (const i of insts) {
      if (this.settled[i]) done++
      else open.set(i, (open.get(i) ?? 0) + 1)
    }
    if (done >= count) return Promise.resolve(true)
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null
      const listener = (inst: number): void => {
        const n = open.get(inst)
        if (n === undefined) return
        open.delete(inst)
        done += n
        if (done >= count) finish(true)
      }
      const finish = (ok: boolean): void => {
        this.listeners.delete(listener)
        if (timer) clearTimeout(timer)
        resolve(ok)
      }
      this.listeners.add(listener)
      if (timeoutMs !== null) timer = setTimeout(() => finish(false), timeoutMs)
    })
  }

  own(ref: ObjectRef<unknown>): void {
    if (ref.session !== this) throw foreignRef(ref)
  }

  async timeline(file: string): Promise<{file: string; format: string; events: number}> {
    const {formatForFile, writeTimeline} = await import('../trace/index.js')
    let events: readonly RunEvent[]
    if (this.run.collected) events = this.run.collected
    else {
      const {readEvents} = await import('../store/index.js')
      this.run.recorder!.flush()
      events = readEvents(this.store!, this.runId)
    }
    const written = writeTimeline(file, events, formatForFile(file))
    return {file: written.file, format: written.format, events: written.events}
  }

  /**
   * The error `get` throws for a task that did not succeed. A task cancelled by the signal
   * the program is dying of throws nothing: `get` waits for the end, as `wait` returns and
   * the program dies of the signal (130) instead of an uncaught TaskCancelledError (1).
   */
  async failure(error: TaskError | TaskCancelledError): Promise<TaskError | TaskCancelledError> {
    if (error instanceof TaskCancelledError && this.dying) await this.dying
    return error
  }

  /** end the run: wait for nothing, cancel what is unfinished, stop every worker; `why` is shown after `cancelling…` */
  shutdown(why?: string): Promise<RunSummary> {
    this.closing ??= (async () => {
      for (const s of RUN_SIGNALS) process.off(s, this.onSignal)
      process.off('beforeExit', this.onBeforeExit)
      this.reporter?.cancelling(why)
      this.handle.close()
      try {
        return await this.handle.done
      } finally {
        await this.reporter?.close()
        this.settle()
      }
    })()
    return this.closing
  }

  /** the run's settle (recorded-run.ts), then the store closes; throws when the objects could not be kept */
  private settle(): void {
    try {
      const {notKept} = this.run.settle()
      if (notKept !== null) throw notKept
    } finally {
      this.store?.close()
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new RaytsError('the session was shut down: call ray.init() again to start another')
  }

  private apply(e: RunEvent): void {
    let inst: number
    switch (e.type) {
      case 'succeeded':
        this.settled[e.inst] = {ok: true, value: e.value}
        inst = e.inst
        break
      case 'failed':
        this.settled[e.inst] = {ok: false, error: taskErrorOf(this.names[e.inst]!, e.error)}
        inst = e.inst
        break
      case 'cancelled':
        this.settled[e.inst] = {ok: false, error: new TaskCancelledError(this.names[e.inst]!)}
        inst = e.inst
        break
      case 'cancelled-rest': {
        // the run stopped: every instance not settled is cancelled
        const cancelled: number[] = []
        for (let i = 0; i < this.names.length; i++) {
          if (this.settled[i] || this.names[i] === undefined) continue
          this.settled[i] = {ok: false, error: new TaskCancelledError(this.names[i]!)}
          cancelled.push(i)
        }
        for (const i of cancelled) for (const l of [...this.listeners]) l(i)
        return
      }
      case 'skipped': {
        const cause = this.settled[e.because]
        const name = this.names[e.inst]!
        const error = cause && !cause.ok && cause.error instanceof TaskError ? cause.error.forDependent(name) : new TaskCancelledError(name)
        this.settled[e.inst] = {ok: false, error}
        inst = e.inst
        break
      }
      default:
        return
    }
    for (const l of [...this.listeners]) l(inst)
  }
}
