// The DAG state machine. One state per instance:
//   pending → ready → running → succeeded | failed, retrying → ready, skipped, cancelled.
// It emits every change on the run's event stream and never knows who listens.
import type {CompiledGraph, InstanceSpec, RefExpr, TaskSpec} from '../graph/model.js'
import {makeDynamicInstances} from '../graph/index.js'
import type {Executor, ExecutorEvent, ExecutorSink, Job, JobOutcome} from '../executor/types.js'
import type {EventStream, InstanceInfo, InstanceState, RunState, TaskError} from '../runtime/events.js'
import {nowMicros} from '../runtime/clock.js'
import {startTimer, type Timer} from '../runtime/timer.js'
import {formatSize, logLimits} from '../runtime/log-limits.js'
import {BatchSizer} from './batch-size.js'
import {buildJob, fnKey} from './jobs.js'
import {ReadyQueue} from './ready-queue.js'
import {resolve, ResolveError, type ResolveContext} from './resolve.js'
import {demandOf, ResourcePool, type Capacity, type Demand} from './resources.js'
import {retryDelaySeconds, shouldRetry} from './retry-policy.js'

export interface SchedulerOptions {
  readonly runId: string
  readonly capacity: Capacity
  readonly failFast: boolean
  readonly reuse: ReadonlyMap<string, unknown> | undefined
  /**
   * An open run (a library session) takes tasks while it runs (`add`) and does not end when
   * they are all done: it ends at `close()`.
   */
  readonly open?: boolean
}

interface Lane {
  readonly demand: Demand
  open: number
}

const TERMINAL: ReadonlySet<InstanceState> = new Set(['succeeded', 'failed', 'skipped', 'cancelled'])

export class Scheduler implements ExecutorSink {
  private readonly specs: InstanceSpec[]
  private readonly state: InstanceState[]
  private readonly waiting: number[]
  private readonly dependents: number[][]
  private readonly attempts: number[]
  private readonly results: unknown[]
  private readonly lanes: (Lane | undefined)[]
  private readonly expandedOf = new Map<number, number[]>()
  private readonly demands = new Map<TaskSpec, Demand>()
  private readonly ready = new ReadyQueue()
  private readonly pool: ResourcePool
  private readonly sizer = new BatchSizer()
  private readonly retryTimers = new Set<Timer>()
  private readonly executor: Executor
  private terminal = 0
  /** instances whose dependencies are all done, not yet handled (a worklist, so that long
   * chains of reused results or markers never recurse) */
  private readonly becameReady: number[] = []
  private flushing = false
  private pumpQueued = false
  private stopping = false
  private cancelRequested = false
  private hasEnded = false
  private open: boolean
  private startedAt = 0
  private firstError: {instance: string; error: TaskError} | null = null
  /** the per-run log cap (each attempt's own cap is applied in the workers) */
  private readonly runLogMax = logLimits().run
  private logLeft = this.runLogMax
  private resolveDone!: (state: RunState) => void
  /** settles after run-end */
  readonly ended: Promise<RunState>

  constructor(
    private readonly graph: CompiledGraph,
    private readonly stream: EventStream,
    makeExecutor: (sink: ExecutorSink) => Executor,
    private readonly options: SchedulerOptions,
  ) {
    this.specs = [...graph.instances]
    const n = this.specs.length
    this.state = new Array<InstanceState>(n).fill('pending')
    this.waiting = new Array<number>(n)
    this.attempts = new Array<number>(n).fill(0)
    this.results = new Array<unknown>(n)
    this.lanes = new Array<Lane | undefined>(n)
    this.dependents = Array.from({length: n}, () => [])
    for (const spec of this.specs) {
      this.waiting[spec.idx] = spec.deps.length
      for (const d of spec.deps) this.dependents[d].push(spec.idx)
    }
    this.open = options.open ?? false
    this.pool = new ResourcePool(options.capacity)
    this.executor = makeExecutor(this)
    this.ended = new Promise((r) => (this.resolveDone = r))
  }

  /** problems that make the run impossible before it starts (a task that can never fit) */
  static capacityProblems(graph: CompiledGraph, capacity: Capacity): string[] {
    const pool = new ResourcePool(capacity)
    const problems: string[] = []
    for (const task of graph.tasks) {
      const why = pool.neverFits(demandOf(task.options))
      if (why) problems.push(`task ${task.id} ${why}`)
    }
    return problems
  }

  get failure(): {instance: string; error: TaskError} | null {
    return this.firstError
  }

  get elapsedMicros(): number {
    return nowMicros() - this.startedAt
  }

  counts(): Record<InstanceState, number> {
    const c: Record<InstanceState, number> = {pending: 0, ready: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0}
    for (const s of this.state) c[s]++
    return c
  }

  start(): void {
    const t = nowMicros()
    this.startedAt = t
    this.stream.emit({
      type: 'run-start',
      t,
      wallMs: Date.now(),
      runId: this.options.runId,
      graph: this.graph.name,
      file: this.graph.file,
      capacity: this.options.capacity,
      instances: this.specs.map(infoOf),
      outputs: this.graph.outputs,
    })
    if (this.specs.length === 0 && !this.open) return this.finish()
    for (const idx of this.graph.order) {
      if (this.waiting[idx] === 0 && this.state[idx] === 'pending') this.becameReady.push(idx)
    }
    this.flushReady()
    this.pump()
  }

  /**
   * Add tasks to a running open run. Each task's instances must be numbered from the current
   * instance count on, and may depend only on instances already known. A dependency that
   * already failed (or was skipped or cancelled) skips the new instance at once.
   */
  add(tasks: readonly TaskSpec[], instances: readonly InstanceSpec[]): void {
    if (!this.open) throw new Error('internal: add() on a run that is not open')
    for (const spec of instances) {
      if (spec.idx !== this.specs.length) throw new Error(`internal: instance ${spec.name} is numbered ${spec.idx}, expected ${this.specs.length}`)
      this.append(spec, [])
    }
    this.stream.emit({type: 'added', t: nowMicros(), tasks: tasks.map((task) => task.id), instances: instances.map(infoOf)})
    for (const spec of instances) {
      let waiting = 0
      let failedDep = -1
      for (const d of spec.deps) {
        const s = this.state[d]
        if (s === 'succeeded') continue
        if (s === 'failed' || s === 'skipped' || s === 'cancelled') failedDep = d
        else {
          waiting++
          this.dependents[d].push(spec.idx)
        }
      }
      this.waiting[spec.idx] = waiting
      if (failedDep >= 0 || this.stopping) {
        this.state[spec.idx] = this.stopping ? 'cancelled' : 'skipped'
        this.terminal++
        if (this.stopping) this.stream.emit({type: 'cancelled', t: nowMicros(), inst: spec.idx})
        else this.stream.emit({type: 'skipped', t: nowMicros(), inst: spec.idx, because: failedDep})
      } else if (waiting === 0) this.becameReady.push(spec.idx)
    }
    this.flushReady()
    this.schedulePump()
  }

  /**
   * Cancel one instance: dropped if it has not started, its process killed if it runs.
   * Instances that wait for it are skipped.
   */
  cancelInstance(idx: number): void {
    const s = this.state[idx]
    if (s === undefined || TERMINAL.has(s)) return
    if (s === 'running' || (s === 'ready' && this.lanes[idx] !== undefined)) {
      this.executor.cancel(idx) // its outcome (kind 'cancelled') ends it through done()
      return
    }
    this.cancelOne(idx) // a ready one is skipped when its queue reaches it

    this.skipDependents(idx)
    this.checkEnd()
  }

  /** an open run: end once everything added has finished; cancel what has not */
  close(): void {
    this.open = false
    if (this.terminal === this.specs.length) this.checkEnd()
    else this.cancel()
  }

  /** stop scheduling, kill every process, end as cancelled (or failed, under --fail-fast) */
  cancel(): void {
    if (this.stopping) return
    this.cancelRequested = true
    this.stop()
  }

  // ---- ExecutorSink ----

  started(inst: number, attempt: number, pid: number | null, at: number): void {
    if (this.attempts[inst] !== attempt || this.state[inst] !== 'ready') return
    this.state[inst] = 'running'
    this.stream.emit({type: 'start', t: at, inst, attempt, pid})
  }

  done(outcome: JobOutcome): void {
    const {inst, attempt} = outcome
    const lane = this.lanes[inst]
    if (lane) {
      this.lanes[inst] = undefined
      if (--lane.open === 0) this.pool.give(lane.demand)
    }
    if (this.attempts[inst] !== attempt || TERMINAL.has(this.state[inst])) return
    if (this.state[inst] === 'ready') this.started(inst, attempt, outcome.pid, outcome.startedAt)
    const spec = this.specs[inst]
    if (spec.task.kind === 'fn') this.sizer.observe(fnKey(spec.task), outcome.endedAt - outcome.startedAt)
    if (outcome.ok) {
      this.stream.emit({type: 'succeeded', t: outcome.endedAt, inst, attempt, pid: outcome.pid, startedAt: outcome.startedAt, value: outcome.value})
      this.succeed(inst, outcome.value)
    } else {
      this.attemptFailed(inst, attempt, outcome.error, outcome.pid, outcome.startedAt, outcome.endedAt)
    }
    this.schedulePump()
  }

  log(inst: number, attempt: number, stream: 'stdout' | 'stderr', text: string): void {
    if (this.logLeft <= 0) return
    if (text.length > this.logLeft) {
      text = `${text.slice(0, this.logLeft)}\n[rayts: the run's log cap (${formatSize(this.runLogMax)}) is reached: later output of its tasks is not kept]\n`
      this.logLeft = 0
    } else this.logLeft -= text.length
    this.stream.emit({type: 'log', t: nowMicros(), inst, attempt, stream, text})
  }

  event(event: ExecutorEvent): void {
    this.stream.emit(event)
  }

  // ---- transitions ----

  private flushReady(): void {
    if (this.flushing) return
    this.flushing = true
    try {
      for (let i = 0; i < this.becameReady.length; i++) {
        if (!this.stopping) this.makeReady(this.becameReady[i])
      }
    } finally {
      this.becameReady.length = 0
      this.flushing = false
    }
  }

  private makeReady(idx: number): void {
    const spec = this.specs[idx]
    if (spec.marker) return this.advanceMarker(idx)
    const reused = this.options.reuse
    if (reused?.has(spec.name)) {
      const t = nowMicros()
      this.state[idx] = 'running'
      this.stream.emit({type: 'succeeded', t, inst: idx, attempt: 0, pid: null, startedAt: t, value: reused.get(spec.name)})
      return this.succeed(idx, reused.get(spec.name))
    }
    this.state[idx] = 'ready'
    this.stream.emit({type: 'ready', t: nowMicros(), inst: idx})
    this.ready.push(idx, this.demandFor(spec.task))
  }

  private succeed(idx: number, value: unknown): void {
    this.state[idx] = 'succeeded'
    this.results[idx] = value
    this.terminal++
    for (const d of this.dependents[idx]) {
      if (--this.waiting[d] === 0 && (this.state[d] === 'pending' || this.expandedOf.has(d))) this.becameReady.push(d)
    }
    this.flushReady()
    this.checkEnd()
  }

  private attemptFailed(idx: number, attempt: number, error: TaskError, pid: number | null, startedAt: number, t: number): void {
    const options = this.specs[idx].task.options
    const retry = !this.stopping && shouldRetry(options, error, attempt)
    const delayMicros = retry ? Math.round(retryDelaySeconds(options, attempt) * 1e6) : 0
    this.stream.emit({type: 'attempt-failed', t, inst: idx, attempt, pid, startedAt, error, retryAt: retry ? t + delayMicros : null})
    if (!retry) return this.fail(idx, error)
    this.state[idx] = 'retrying'
    if (delayMicros === 0) {
      this.becameReady.push(idx)
      return this.flushReady()
    }
    const timer = startTimer(() => {
      this.retryTimers.delete(timer)
      if (this.state[idx] === 'retrying' && !this.stopping) {
        this.becameReady.push(idx)
        this.flushReady()
        this.pump()
      }
    }, delayMicros / 1000)
    this.retryTimers.add(timer)
  }

  private fail(idx: number, error: TaskError): void {
    if (error.kind === 'cancelled') {
      this.cancelOne(idx)
      this.skipDependents(idx)
      return this.checkEnd()
    }
    this.state[idx] = 'failed'
    this.terminal++
    this.firstError ??= {instance: this.specs[idx].name, error}
    this.stream.emit({type: 'failed', t: nowMicros(), inst: idx, error})
    this.skipDependents(idx)
    if (this.options.failFast && !this.stopping) this.stop()
    this.checkEnd()
  }

  private skipDependents(root: number): void {
    const stack = [root]
    while (stack.length > 0) {
      const from = stack.pop()!
      for (const d of this.dependents[from]) {
        if (this.state[d] !== 'pending') continue
        this.state[d] = 'skipped'
        this.terminal++
        this.stream.emit({type: 'skipped', t: nowMicros(), inst: d, because: from})
        stack.push(d)
      }
    }
  }

  private cancelOne(idx: number): void {
    if (TERMINAL.has(this.state[idx])) return
    this.state[idx] = 'cancelled'
    this.terminal++
    this.stream.emit({type: 'cancelled', t: nowMicros(), inst: idx})
  }

  /** a dynamic fan-out's marker: expand when its source is done, finish when its instances are */
  private advanceMarker(marker: number): void {
    const expanded = this.expandedOf.get(marker)
    if (expanded) {
      const t = nowMicros()
      const value = expanded.map((i) => this.results[i])
      this.stream.emit({type: 'succeeded', t, inst: marker, attempt: 1, pid: null, startedAt: t, value})
      return this.succeed(marker, value)
    }
    const spec = this.specs[marker]
    const fanout = spec.task.fanout
    let made: ReturnType<typeof makeDynamicInstances>
    try {
      if (fanout.kind !== 'dynamic') throw new Error(`internal: ${spec.name} is a marker without a dynamic fan-out`)
      const source = resolve(fanout.source, this.contextFor(spec))
      made = makeDynamicInstances(this.graph, spec, source, this.specs.length)
    } catch (error) {
      made = {ok: false, message: (error as Error).message}
    }
    if (!made.ok) {
      this.attempts[marker] = 1
      return this.fail(marker, {kind: 'error', name: 'FanOutError', message: `${spec.name}: ${made.message}`})
    }
    const idxs = made.instances.map((s) => s.idx)
    this.expandedOf.set(marker, idxs)
    this.state[marker] = 'running'
    for (const s of made.instances) this.append(s, [marker])
    this.waiting[marker] = idxs.length
    this.stream.emit({type: 'expanded', t: nowMicros(), task: spec.task.id, marker, instances: made.instances.map(infoOf)})
    if (idxs.length === 0) this.becameReady.push(marker)
    else for (const i of idxs) this.becameReady.push(i) // no push(...): a fan-out may be huge
  }

  /** a new instance at the end of the tables, pending, waiting for nothing yet */
  private append(spec: InstanceSpec, dependents: number[]): void {
    this.specs.push(spec)
    this.state.push('pending')
    this.waiting.push(0)
    this.attempts.push(0)
    this.results.push(undefined)
    this.lanes.push(undefined)
    this.dependents.push(dependents)
  }

  // ---- dispatch ----

  private schedulePump(): void {
    if (this.pumpQueued) return
    this.pumpQueued = true
    queueMicrotask(() => {
      this.pumpQueued = false
      this.pump()
    })
  }

  private pump(): void {
    if (this.stopping) return
    for (;;) {
      let dispatched = false
      for (const q of this.ready.queues()) {
        const room = this.pool.room(q.demand)
        if (room < 1) continue
        const jobs = this.takeBatch(q, room)
        if (jobs.length === 0) {
          dispatched = true // instances failed while resolving: queues changed
          break
        }
        this.pool.take(q.demand)
        const lane: Lane = {demand: q.demand, open: jobs.length}
        for (const j of jobs) this.lanes[j.inst] = lane
        this.executor.submit(jobs)
        dispatched = true
        break
      }
      if (!dispatched) return
    }
  }

  private takeBatch(q: ReturnType<ReadyQueue['queues']>[number], room: number): Job[] {
    const head = this.specs[q.peek()].task
    const batchable = head.kind === 'fn' && head.options.timeout === null
    const limit = batchable ? this.sizer.size(fnKey(head), q.length, room) : 1
    const jobs: Job[] = []
    while (jobs.length < limit && q.length > 0) {
      const idx = q.peek()
      const spec = this.specs[idx]
      if (jobs.length > 0 && spec.task.fn !== head.fn) break
      q.shift()
      if (this.state[idx] !== 'ready') continue
      const attempt = ++this.attempts[idx]
      try {
        jobs.push(buildJob(spec, attempt, this.contextFor(spec)))
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error
        this.stream.emit({type: 'start', t: nowMicros(), inst: idx, attempt, pid: null})
        this.state[idx] = 'running'
        const t = nowMicros()
        this.attemptFailed(idx, attempt, {kind: 'error', name: error.name, message: `${spec.name}: ${error.message}`}, null, t, t)
      }
    }
    return jobs
  }

  private demandFor(task: TaskSpec): Demand {
    let d = this.demands.get(task)
    if (!d) this.demands.set(task, (d = demandOf(task.options)))
    return d
  }

  private contextFor(spec: InstanceSpec): ResolveContext {
    return {item: spec.item, index: spec.index, refValue: (ref) => this.refValue(ref)}
  }

  private refValue(ref: RefExpr): unknown {
    const task = this.graph.taskById.get(ref.task)
    if (!task) throw new ResolveError(`no task ${ref.task}`)
    const first = task.instances[0]
    switch (task.fanout.kind) {
      case 'none':
        return this.results[first]
      case 'dynamic': {
        if (ref.instance === null) return this.results[first]
        const idxs = this.expandedOf.get(first) ?? []
        if (ref.instance >= idxs.length) throw new ResolveError(`${task.id} has ${idxs.length} instances, no [${ref.instance}]`)
        return this.results[idxs[ref.instance]]
      }
      default:
        if (ref.instance === null) return task.instances.map((i) => this.results[i])
        return this.results[task.instances[ref.instance]]
    }
  }

  // ---- ending ----

  private stop(): void {
    this.stopping = true
    for (const timer of this.retryTimers) timer.clear()
    this.retryTimers.clear()
    for (const idx of this.ready.drain()) this.cancelOne(idx)
    for (let i = 0; i < this.state.length; i++) {
      if (!TERMINAL.has(this.state[i])) this.cancelOne(i)
    }
    this.closeAndFinish()
  }

  private checkEnd(): void {
    if (!this.stopping && !this.open && this.terminal === this.specs.length) {
      this.stopping = true
      this.closeAndFinish()
    }
  }

  private closeAndFinish(): void {
    this.executor.close().then(
      () => this.finish(),
      () => this.finish(),
    )
  }

  private finish(): void {
    if (this.hasEnded) return
    this.hasEnded = true
    const state: RunState = this.firstError ? 'failed' : this.cancelRequested ? 'cancelled' : 'succeeded'
    this.stream.emit({type: 'run-end', t: nowMicros(), state})
    this.resolveDone(state)
  }
}

function infoOf(spec: InstanceSpec): InstanceInfo {
  const task = spec.task
  return {
    idx: spec.idx,
    name: spec.name,
    task: task.id,
    index: spec.index,
    deps: spec.deps,
    numCpus: task.options.numCpus,
    resources: task.options.resources,
    maxRetries: task.options.maxRetries,
    kind: task.kind,
    what: task.fn ? task.fn.name : task.cmd?.kind === 'shell' ? task.cmd.script : describeArgv(task),
    maxCalls: task.options.maxCalls,
  }
}

function describeArgv(task: TaskSpec): string {
  const argv = task.cmd?.kind === 'argv' ? task.cmd.argv : []
  return argv.map((a) => (typeof a === 'string' ? a : '<ref>')).join(' ')
}

