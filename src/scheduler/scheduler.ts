// The DAG state machine. One state per instance:
//   pending → ready → running → succeeded | failed, retrying → ready, skipped, cancelled.
// It emits every change on the run's event stream and never knows who listens.
import type {CompiledGraph, InstanceSpec, RefExpr, TaskSpec} from '../graph/model.js'
import {makeDynamicInstances} from '../graph/index.js'
import type {Executor, ExecutorEvent, ExecutorSink, Job, JobOutcome} from '../executor/types.js'
import type {AttemptPhases, EventStream, InstanceState, RunState, TaskFailure} from '../core/events.js'
import {nowMicros} from '../core/clock.js'
import {startTimer, type Timer} from '../core/timer.js'
import {logLimits} from '../format/log-limits.js'
import {formatBytes} from '../format/units.js'
import {BatchSizer} from './batch-size.js'
import {ChainFusion} from './chain-fusion.js'
import {CACHED, CANCELLED, FAILED, InstanceTable, isTerminal, PENDING, READY, RETRYING, RUNNING, SKIPPED, STATE_NAMES, SUCCEEDED} from './instance-table.js'
import {infoOf} from './instance-info.js'
import {buildJob, fnKey, sameFn} from './jobs.js'
import {Lanes} from './lanes.js'
import type {CacheLookupResult, InstanceCache} from './cache-seam.js'
import type {ObjectReads} from './object-reads.js'
import {ReadyQueue} from './ready-queue.js'
import {resolve, ResolveError, type ResolveContext} from './resolve.js'
import {demandOf, noKeys, ResourcePool, type Capacity, type Demand} from './resources.js'
import {retryDelaySeconds, shouldRetry} from './retry-policy.js'

export interface SchedulerOptions {
  readonly runId: string
  readonly capacity: Capacity
  readonly failFast: boolean
  readonly reuse: ReadonlyMap<string, unknown> | undefined
  /** hand chains of fn jobs to the executor (chain fusion, chain-fusion.ts; the runtime
   * passes executor/pool/chain-switch.ts: on unless $RAYTS_CHAIN is 0) */
  readonly chains: boolean
  /** reads the objects that references in results stand for (the runtime's: runtime/object-reads.ts) */
  readonly objects: ObjectReads
  /**
   * An open run (a library session) takes tasks while it runs (`add`) and does not end when
   * they are all done: it ends at `close()`.
   */
  readonly open?: boolean
  /** the cross-run result cache (absent: nothing is looked up or stored) */
  readonly cache?: InstanceCache
}

// Every instance number the scheduler indexes with is below `table.count` (instance-table.ts):
// the `!` on its typed-array reads say so, without a check on the hot path.
export class Scheduler implements ExecutorSink {
  /** the graph's instances, then those made at run time, with their state columns */
  private readonly table: InstanceTable
  /** the cache key of each keyed instance (tasks with `cache: true`) */
  private readonly keys: (string | undefined)[] = []
  private readonly expandedOf = new Map<number, number[]>()
  /** an open run: instances added while it runs that wait for an instance (they depend on no marker) */
  private readonly addedDependents = new Map<number, number[]>()
  private open: boolean
  private readonly demands = new Map<TaskSpec, Demand>()
  private readonly ready = new ReadyQueue()
  private readonly pool: ResourcePool
  private readonly lanes: Lanes
  private readonly sizer = new BatchSizer()
  private readonly retryTimers = new Set<Timer>()
  /** null: chain fusion is off */
  private readonly chains: ChainFusion | null
  /** the end of the attempt being reported: when its chain link became ready */
  private reportedEnd = 0
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
  private startedAt = 0
  private firstError: {instance: string; error: TaskFailure} | null = null
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
    this.table = new InstanceTable(graph.instances)
    this.open = options.open ?? false
    this.pool = new ResourcePool(options.capacity)
    this.lanes = new Lanes(this.pool)
    this.chains = options.chains
      ? new ChainFusion(this.table, this.sizer, {
          expanded: (idx) => this.expandedOf.has(idx),
          resultElsewhere: (spec) => this.options.reuse?.has(spec.name) === true || this.options.cache?.wants(spec.task) === true,
          demandFor: (task) => this.demandFor(task),
          contextFor: (spec) => this.contextFor(spec),
          leaveLane: (idx) => this.lanes.leave(idx),
        })
      : null
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

  get failure(): {instance: string; error: TaskFailure} | null {
    return this.firstError
  }

  get elapsedMicros(): number {
    return nowMicros() - this.startedAt
  }

  counts(): Record<InstanceState, number> {
    const c: Record<InstanceState, number> = {pending: 0, ready: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, cached: 0}
    const {state, count} = this.table
    for (let i = 0; i < count; i++) c[STATE_NAMES[state[i]!]!]++
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
      instances: this.graph.instances.map(infoOf),
      outputs: this.graph.outputs,
    })
    const table = this.table
    if (table.count === 0 && !this.open) return this.finish()
    for (const idx of this.graph.order) {
      if (table.waiting[idx] === 0 && table.state[idx] === PENDING) this.becameReady.push(idx)
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
    const table = this.table
    const from = table.count
    instances.forEach((spec, k) => {
      if (spec.idx !== from + k) throw new Error(`internal: instance ${spec.name} is numbered ${spec.idx}, expected ${from + k}`)
    })
    table.grow(instances, -1)
    this.stream.emit({type: 'added', t: nowMicros(), tasks: tasks.map((task) => task.id), instances: instances.map(infoOf)})
    for (const spec of instances) {
      let waiting = 0
      let failedDep = -1
      for (const d of spec.deps) {
        const s = table.state[d]! // a dependency is an instance already known
        if (s === SUCCEEDED || s === CACHED) continue
        if (isTerminal(s)) failedDep = d
        else {
          waiting++
          let list = this.addedDependents.get(d)
          if (!list) this.addedDependents.set(d, (list = []))
          list.push(spec.idx)
        }
      }
      table.waiting[spec.idx] = waiting
      if (this.stopping) this.cancelOne(spec.idx)
      else if (failedDep >= 0) {
        table.state[spec.idx] = SKIPPED
        this.terminal++
        this.stream.emit({type: 'skipped', t: nowMicros(), inst: spec.idx, because: failedDep})
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
    if (idx < 0 || idx >= this.table.count || isTerminal(this.table.state[idx]!)) return
    if (this.lanes.has(idx)) {
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
    if (this.terminal === this.table.count) this.checkEnd()
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
    const table = this.table
    if (table.attempts[inst] !== attempt || table.state[inst] !== READY) return
    table.state[inst] = RUNNING
    this.stream.emit({type: 'start', t: at, inst, attempt, pid})
  }

  done(outcome: JobOutcome): void {
    const {inst, attempt} = outcome
    this.lanes.leave(inst)
    const table = this.table
    const state = table.state[inst]! // an instance the executor was handed
    if (table.attempts[inst] !== attempt || isTerminal(state)) return
    if (state === READY) this.started(inst, attempt, outcome.pid, outcome.startedAt)
    const spec = table.spec(inst)
    if (spec.task.kind === 'fn') this.sizer.observe(fnKey(spec.task), outcome.endedAt - outcome.startedAt)
    // on success its link runs; otherwise the executor drops it (back to pending before a retry)
    this.chains?.ended(inst, outcome.ok)
    if (outcome.ok) {
      const key = this.keys[inst]
      if (key !== undefined) this.options.cache?.store(spec, key, outcome.value)
      // the phases only when known: two literals, no spread on this path
      this.stream.emit(
        outcome.calledAt === undefined
          ? {type: 'succeeded', t: outcome.endedAt, inst, attempt, pid: outcome.pid, startedAt: outcome.startedAt, value: outcome.value}
          : {type: 'succeeded', t: outcome.endedAt, inst, attempt, pid: outcome.pid, startedAt: outcome.startedAt, value: outcome.value, calledAt: outcome.calledAt, returnedAt: outcome.returnedAt},
      )
      this.reportedEnd = outcome.endedAt
      this.succeed(inst, outcome.value)
    } else {
      this.attemptFailed(inst, attempt, outcome.error, outcome.pid, outcome.startedAt, outcome.endedAt, outcome)
    }
    this.schedulePump()
  }

  log(inst: number, attempt: number, stream: 'stdout' | 'stderr', text: string): void {
    if (this.logLeft <= 0) return
    if (text.length > this.logLeft) {
      text = `${text.slice(0, this.logLeft)}\n[rayts: the run's log cap (${formatBytes(this.runLogMax, 'characters')}) is reached: later output of its tasks is not kept]\n`
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
      const list = this.becameReady
      for (let i = 0; i < list.length; i++) {
        if (!this.stopping) this.makeReady(list[i]!)
      }
    } finally {
      this.becameReady.length = 0
      this.flushing = false
    }
  }

  private makeReady(idx: number): void {
    const spec = this.table.spec(idx)
    if (spec.marker) return this.advanceMarker(idx)
    const reused = this.options.reuse
    if (reused?.has(spec.name)) {
      const t = nowMicros()
      this.table.state[idx] = RUNNING
      this.stream.emit({type: 'succeeded', t, inst: idx, attempt: 0, pid: null, startedAt: t, value: reused.get(spec.name)})
      return this.succeed(idx, reused.get(spec.name))
    }
    this.table.state[idx] = READY
    const cache = this.options.cache
    if (cache?.wants(spec.task)) {
      this.stream.emit({type: 'ready', t: nowMicros(), inst: idx})
      cache.lookup({spec, ctx: this.contextFor(spec), refKeys: this.refKeysOf}, this.answered)
      return
    }
    if (this.chains?.isLink(idx)) {
      // a chain link: it is in its input's worker already (ready when that input ended there)
      this.stream.emit({type: 'ready', t: Math.min(this.reportedEnd, nowMicros()), inst: idx})
      return
    }
    this.stream.emit({type: 'ready', t: nowMicros(), inst: idx})
    this.ready.push(idx, this.demandFor(spec.task))
  }

  /** a cache lookup's answer: a hit ends the instance `cached`, a miss queues it to run */
  private looked(idx: number, r: CacheLookupResult): void {
    if (this.table.state[idx] !== READY || this.stopping) return // cancelled meanwhile
    if (r.key !== null) this.keys[idx] = r.key
    if (r.hit) {
      const t = nowMicros()
      this.stream.emit({type: 'succeeded', t, inst: idx, attempt: 0, pid: null, startedAt: t, value: r.value, cached: r.bytes ? {key: r.key, bytes: r.bytes} : {key: r.key}})
      this.succeed(idx, r.value, CACHED)
    } else this.ready.push(idx, this.demandFor(this.table.spec(idx).task))
    this.schedulePump()
  }

  private readonly answered = (spec: InstanceSpec, r: CacheLookupResult): void => this.looked(spec.idx, r)
  private readonly refKeysOf = (ref: RefExpr): readonly string[] | null => this.refKeys(ref)

  /** the keys of the instances a ref covers, or null when one has none */
  private refKeys(ref: RefExpr): readonly string[] | null {
    const task = this.graph.taskById.get(ref.task)
    if (!task) return null
    let idxs: readonly number[]
    if (task.fanout.kind === 'dynamic') idxs = ref.instance === null ? [] : (this.expandedOf.get(task.instances[0]!) ?? []).slice(ref.instance, ref.instance + 1)
    else idxs = ref.instance === null || task.fanout.kind === 'none' ? task.instances : [task.instances[ref.instance]!]
    if (idxs.length === 0) return null
    const keys: string[] = []
    for (const i of idxs) {
      const k = this.keys[i]
      if (k === undefined) return null
      keys.push(k)
    }
    return keys
  }

  private succeed(idx: number, value: unknown, code = SUCCEEDED): void {
    const table = this.table
    const {state, waiting} = table // not grown before the dependents are made ready
    state[idx] = code
    table.results[idx] = value
    this.terminal++
    const added = this.addedDependents.get(idx)
    if (added) {
      this.addedDependents.delete(idx)
      for (const d of added) if (--waiting[d]! === 0 && state[d] === PENDING) this.becameReady.push(d)
    }
    if (table.isMade(idx)) {
      const d = table.markerOf(idx)
      if (d >= 0 && --waiting[d]! === 0) this.becameReady.push(d)
    } else {
      const {offsets, flat} = table.dependents
      // idx is one of the graph's: offsets has its entry and the next, flat the range between
      for (let k = offsets[idx]!, end = offsets[idx + 1]!; k < end; k++) {
        const d = flat[k]!
        if (--waiting[d]! === 0 && (state[d] === PENDING || this.expandedOf.has(d))) this.becameReady.push(d)
      }
    }
    this.flushReady()
    this.checkEnd()
  }

  private attemptFailed(idx: number, attempt: number, error: TaskFailure, pid: number | null, startedAt: number, t: number, phases?: AttemptPhases): void {
    const options = this.table.spec(idx).task.options
    const retry = !this.stopping && shouldRetry(options, error, attempt)
    const delayMicros = retry ? Math.round(retryDelaySeconds(options, attempt) * 1e6) : 0
    const retryAt = retry ? t + delayMicros : null
    this.stream.emit(
      phases?.calledAt === undefined
        ? {type: 'attempt-failed', t, inst: idx, attempt, pid, startedAt, error, retryAt}
        : {type: 'attempt-failed', t, inst: idx, attempt, pid, startedAt, error, retryAt, calledAt: phases.calledAt, returnedAt: phases.returnedAt},
    )
    if (!retry) return this.fail(idx, error)
    this.table.state[idx] = RETRYING
    if (delayMicros === 0) {
      this.becameReady.push(idx)
      return this.flushReady()
    }
    const timer = startTimer(() => {
      this.retryTimers.delete(timer)
      if (this.table.state[idx] === RETRYING && !this.stopping) {
        this.becameReady.push(idx)
        this.flushReady()
        this.pump()
      }
    }, delayMicros / 1000)
    this.retryTimers.add(timer)
  }

  private fail(idx: number, error: TaskFailure): void {
    if (error.kind === 'cancelled') {
      this.cancelOne(idx)
      this.skipDependents(idx) // an open run goes on: what waits for it cannot run
      return this.checkEnd()
    }
    this.table.state[idx] = FAILED
    this.terminal++
    this.firstError ??= {instance: this.table.spec(idx).name, error}
    this.stream.emit({type: 'failed', t: nowMicros(), inst: idx, error})
    this.skipDependents(idx)
    if (this.options.failFast && !this.stopping) this.stop()
    this.checkEnd()
  }

  private skipDependents(root: number): void {
    const table = this.table
    const stack = [root]
    while (stack.length > 0) {
      const from = stack.pop()!
      const skip = (d: number): void => {
        if (table.state[d] !== PENDING) return
        table.state[d] = SKIPPED
        this.terminal++
        this.stream.emit({type: 'skipped', t: nowMicros(), inst: d, because: from})
        stack.push(d)
      }
      for (const d of this.addedDependents.get(from) ?? []) skip(d)
      if (table.isMade(from)) {
        const marker = table.markerOf(from)
        if (marker >= 0) skip(marker)
      } else {
        const {offsets, flat} = table.dependents
        for (let k = offsets[from]!, end = offsets[from + 1]!; k < end; k++) skip(flat[k]!) // as in succeed()
      }
    }
  }

  private cancelOne(idx: number): void {
    const state = this.table.state
    if (isTerminal(state[idx]!)) return
    state[idx] = CANCELLED
    this.terminal++
    this.stream.emit({type: 'cancelled', t: nowMicros(), inst: idx})
  }

  /** a dynamic fan-out's marker: expand when its source is done, finish when its instances are */
  private advanceMarker(marker: number): void {
    const expanded = this.expandedOf.get(marker)
    if (expanded) {
      const t = nowMicros()
      const results = this.table.results
      const value = expanded.map((i) => results[i])
      this.stream.emit({type: 'succeeded', t, inst: marker, attempt: 1, pid: null, startedAt: t, value})
      return this.succeed(marker, value)
    }
    const table = this.table
    const spec = table.spec(marker)
    const fanout = spec.task.fanout
    let made: ReturnType<typeof makeDynamicInstances>
    try {
      if (fanout.kind !== 'dynamic') throw new Error(`internal: ${spec.name} is a marker without a dynamic fan-out`)
      const source = this.options.objects.loadRefs(resolve(fanout.source, this.contextFor(spec))) // the fan-out looks into it
      made = makeDynamicInstances(this.graph, spec, source, table.count)
    } catch (error) {
      made = {ok: false, message: (error as Error).message}
    }
    if (!made.ok) {
      table.attempts[marker] = 1
      return this.fail(marker, {kind: 'error', name: 'FanOutError', message: `${spec.name}: ${made.message}`})
    }
    const idxs = made.instances.map((s) => s.idx)
    this.expandedOf.set(marker, idxs)
    table.state[marker] = RUNNING
    table.grow(made.instances, marker)
    table.waiting[marker] = idxs.length
    this.stream.emit({type: 'expanded', t: nowMicros(), task: spec.task.id, marker, instances: made.instances.map(infoOf)})
    if (idxs.length === 0) this.becameReady.push(marker)
    else for (const i of idxs) this.becameReady.push(i) // no push(...): a fan-out may be huge
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
        this.lanes.hold(q.demand, jobs)
        this.executor.submit(jobs)
        for (const j of jobs) if (j.kind === 'fn' && j.chain && !j.chain.claimed) this.chains?.takeBack(j.inst)
        dispatched = true
        break
      }
      if (!dispatched) return
    }
  }

  private takeBatch(q: ReturnType<ReadyQueue['queues']>[number], room: number): Job[] {
    const table = this.table
    const chains = this.chains
    const head = table.spec(q.peek()).task
    const batchable = head.kind === 'fn' && head.options.timeout === null
    const limit = batchable ? this.sizer.size(fnKey(head), q.length, room) : 1
    const jobs: Job[] = []
    while (jobs.length < limit && q.length > 0) {
      const idx = q.peek()
      const spec = table.spec(idx)
      // the same function, not the same object: each library call makes its own task
      if (jobs.length > 0 && spec.task.fn !== head.fn && !sameFn(spec.task, head)) break
      q.shift()
      if (table.state[idx] !== READY) continue
      const attempt = ++table.attempts[idx]!
      try {
        const job = buildJob(spec, attempt, this.contextFor(spec))
        const chain = chains && job.kind === 'fn' ? chains.chainAfter(idx, q.demand) : null
        jobs.push(chain && job.kind === 'fn' ? {...job, chain} : job)
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error
        this.stream.emit({type: 'start', t: nowMicros(), inst: idx, attempt, pid: null})
        table.state[idx] = RUNNING
        const t = nowMicros()
        this.attemptFailed(idx, attempt, {kind: 'error', name: error.name, message: `${spec.name}: ${error.message}`}, null, t, t)
      }
    }
    return jobs
  }

  private demandFor(task: TaskSpec): Demand {
    if (noKeys(task.options.resources)) return demandOf(task.options) // shared, no entry per task
    let d = this.demands.get(task)
    if (!d) this.demands.set(task, (d = demandOf(task.options)))
    return d
  }

  private contextFor(spec: InstanceSpec): ResolveContext {
    return {item: spec.item, index: spec.index, refValue: (ref) => this.refValue(ref), objects: this.options.objects}
  }

  private refValue(ref: RefExpr): unknown {
    const task = this.graph.taskById.get(ref.task)
    if (!task) throw new ResolveError(`no task ${ref.task}`)
    const results = this.table.results
    const first = task.instances[0]! // (none, dynamic) its instance or marker: a task has one at least
    switch (task.fanout.kind) {
      case 'none':
        return results[first]
      case 'dynamic': {
        if (ref.instance === null) return results[first]
        const idxs = this.expandedOf.get(first) ?? []
        if (ref.instance >= idxs.length) throw new ResolveError(`${task.id} has ${idxs.length} instances, no [${ref.instance}]`)
        return results[idxs[ref.instance]!]
      }
      default:
        if (ref.instance === null) return task.instances.map((i) => results[i])
        return results[task.instances[ref.instance]!] // the compiler checked the index against the fan-out
    }
  }

  // ---- ending ----

  private stop(): void {
    this.stopping = true
    for (const timer of this.retryTimers) timer.clear()
    this.retryTimers.clear()
    this.ready.drain()
    // one event for every instance still waiting or running (cancelled-rest), not one each
    let cancelled = 0
    const {state, count} = this.table
    for (let i = 0; i < count; i++) {
      if (isTerminal(state[i]!)) continue
      state[i] = CANCELLED
      cancelled++
    }
    if (cancelled > 0) {
      this.terminal += cancelled
      this.stream.emit({type: 'cancelled-rest', t: nowMicros()})
    }
    this.closeAndFinish()
  }

  private checkEnd(): void {
    if (!this.stopping && !this.open && this.terminal === this.table.count) {
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
