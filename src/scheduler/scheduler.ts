// The DAG state machine. One state per instance:
//   pending → ready → running → succeeded | failed, retrying → ready, skipped, cancelled.
// It emits every change on the run's event stream and never knows who listens.
import type {CompiledGraph, InstanceSpec, RefExpr, TaskSpec} from '../graph/model.js'
import {makeDynamicInstances} from '../graph/index.js'
import type {Executor, ExecutorEvent, ExecutorSink, FnChain, FnJob, Job, JobOutcome} from '../executor/types.js'
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- issue 24: the chain switch to arrive as an option
import {chainsOn} from '../executor/chain-switch.js'
import type {AttemptPhases, EventStream, InstanceInfo, InstanceState, RunState, TaskError} from '../core/events.js'
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- issue 24: object reads to arrive through a port the runtime injects
import {loadRefs} from '../objects/read.js'
import {nowMicros} from '../core/clock.js'
import {startTimer, type Timer} from '../core/timer.js'
import {logLimits} from '../format/log-limits.js'
import {formatBytes} from '../format/units.js'
import {BatchSizer} from './batch-size.js'
import {CACHED, CANCELLED, dependentsOf, type Dependents, FAILED, grown, isTerminal, PENDING, READY, RETRYING, RUNNING, SKIPPED, STATE_NAMES, SUCCEEDED} from './instance-table.js'
import {buildJob, buildLink, fnKey} from './jobs.js'
import type {CacheLookupResult, InstanceCache} from './cache-seam.js'
import {ReadyQueue} from './ready-queue.js'
import {resolve, ResolveError, type ResolveContext} from './resolve.js'
import {demandOf, ResourcePool, type Capacity, type Demand} from './resources.js'
import {retryDelaySeconds, shouldRetry} from './retry-policy.js'

export interface SchedulerOptions {
  readonly runId: string
  readonly capacity: Capacity
  readonly failFast: boolean
  readonly reuse: ReadonlyMap<string, unknown> | undefined
  /** hand chains of fn jobs to the executor (chain fusion; default: on unless $RAYTS_CHAIN is 0) */
  readonly chains?: boolean
  /**
   * An open run (a library session) takes tasks while it runs (`add`) and does not end when
   * they are all done: it ends at `close()`.
   */
  readonly open?: boolean
  /** the cross-run result cache (absent: nothing is looked up or stored) */
  readonly cache?: InstanceCache
}

/** links of one chain at most: a chain of 100,000 no-op tasks costs 100 round trips, not 100,000 */
const CHAIN_MAX = 1000

interface Lane {
  readonly demand: Demand
  open: number
}

export class Scheduler implements ExecutorSink {
  /** the graph's instances, then those of dynamic fan-outs (made at run time) */
  private readonly specs: readonly InstanceSpec[]
  private readonly madeSpecs: InstanceSpec[] = []
  private count: number
  /** per instance (instance-table.ts): a state code, unfinished inputs, attempts so far */
  private state: Uint8Array
  private waiting: Int32Array
  private attempts: Int32Array
  private readonly results: unknown[]
  /** the cache key of each keyed instance (tasks with `cache: true`) */
  private readonly keys: (string | undefined)[] = []
  private readonly dependents: Dependents
  /** the lane of each instance handed to the executor, until it is reported done */
  private readonly lanes = new Map<number, Lane>()
  private readonly expandedOf = new Map<number, number[]>()
  /** the instances of each dynamic fan-out, in the order made: indexes below `end` (and at
   * or above the previous range's) depend on `marker` alone */
  private readonly madeRanges: {readonly end: number; readonly marker: number}[] = []
  /** an open run: instances added while it runs that wait for an instance (marker -1 in
   * madeRanges: they depend on no marker) */
  private readonly addedDependents = new Map<number, number[]>()
  private open: boolean
  private readonly demands = new Map<TaskSpec, Demand>()
  private readonly ready = new ReadyQueue()
  private readonly pool: ResourcePool
  private readonly sizer = new BatchSizer()
  private readonly retryTimers = new Set<Timer>()
  private readonly chains: boolean
  /** chain links handed to the executor, until they are reported done (or taken back) */
  private readonly linked = new Set<number>()
  /** an instance → the chain link that takes its result */
  private readonly linkAfter = new Map<number, number>()
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
    this.specs = graph.instances
    const n = (this.count = this.specs.length)
    this.state = new Uint8Array(n)
    this.waiting = new Int32Array(n)
    this.attempts = new Int32Array(n)
    this.results = new Array<unknown>(n)
    for (const spec of this.specs) this.waiting[spec.idx] = spec.deps.length
    this.dependents = dependentsOf(this.specs)
    this.open = options.open ?? false
    this.pool = new ResourcePool(options.capacity)
    this.chains = options.chains ?? chainsOn()
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
    const c: Record<InstanceState, number> = {pending: 0, ready: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, cached: 0}
    for (let i = 0; i < this.count; i++) c[STATE_NAMES[this.state[i]]]++
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
    if (this.count === 0 && !this.open) return this.finish()
    for (const idx of this.graph.order) {
      if (this.waiting[idx] === 0 && this.state[idx] === PENDING) this.becameReady.push(idx)
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
    const n = this.count + instances.length
    instances.forEach((spec, k) => {
      if (spec.idx !== this.count + k) throw new Error(`internal: instance ${spec.name} is numbered ${spec.idx}, expected ${this.count + k}`)
    })
    this.state = grown(this.state, n)
    this.waiting = grown(this.waiting, n)
    this.attempts = grown(this.attempts, n)
    for (const spec of instances) {
      this.madeSpecs.push(spec)
      this.results.push(undefined)
    }
    this.madeRanges.push({end: n, marker: -1})
    this.count = n
    this.stream.emit({type: 'added', t: nowMicros(), tasks: tasks.map((task) => task.id), instances: instances.map(infoOf)})
    for (const spec of instances) {
      let waiting = 0
      let failedDep = -1
      for (const d of spec.deps) {
        const s = this.state[d]
        if (s === SUCCEEDED || s === CACHED) continue
        if (isTerminal(s)) failedDep = d
        else {
          waiting++
          let list = this.addedDependents.get(d)
          if (!list) this.addedDependents.set(d, (list = []))
          list.push(spec.idx)
        }
      }
      this.waiting[spec.idx] = waiting
      if (this.stopping) this.cancelOne(spec.idx)
      else if (failedDep >= 0) {
        this.state[spec.idx] = SKIPPED
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
    if (idx < 0 || idx >= this.count || isTerminal(this.state[idx])) return
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
    if (this.terminal === this.count) this.checkEnd()
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
    if (this.attempts[inst] !== attempt || this.state[inst] !== READY) return
    this.state[inst] = RUNNING
    this.stream.emit({type: 'start', t: at, inst, attempt, pid})
  }

  done(outcome: JobOutcome): void {
    const {inst, attempt} = outcome
    this.leaveLane(inst)
    if (this.attempts[inst] !== attempt || isTerminal(this.state[inst])) return
    if (this.state[inst] === READY) this.started(inst, attempt, outcome.pid, outcome.startedAt)
    const spec = this.spec(inst)
    if (spec.task.kind === 'fn') this.sizer.observe(fnKey(spec.task), outcome.endedAt - outcome.startedAt)
    this.linked.delete(inst)
    if (outcome.ok) {
      const key = this.keys[inst]
      if (key !== undefined) this.options.cache?.store(spec, key, outcome.value)
      this.linkAfter.delete(inst) // its link runs
      // the phases only when known: two literals, no spread on this path
      this.stream.emit(
        outcome.calledAt === undefined
          ? {type: 'succeeded', t: outcome.endedAt, inst, attempt, pid: outcome.pid, startedAt: outcome.startedAt, value: outcome.value}
          : {type: 'succeeded', t: outcome.endedAt, inst, attempt, pid: outcome.pid, startedAt: outcome.startedAt, value: outcome.value, calledAt: outcome.calledAt, returnedAt: outcome.returnedAt},
      )
      this.reportedEnd = outcome.endedAt
      this.succeed(inst, outcome.value)
    } else {
      this.unlinkAfter(inst) // the executor drops its link: back to pending before a retry
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
      for (let i = 0; i < this.becameReady.length; i++) {
        if (!this.stopping) this.makeReady(this.becameReady[i])
      }
    } finally {
      this.becameReady.length = 0
      this.flushing = false
    }
  }

  private makeReady(idx: number): void {
    const spec = this.spec(idx)
    if (spec.marker) return this.advanceMarker(idx)
    const reused = this.options.reuse
    if (reused?.has(spec.name)) {
      const t = nowMicros()
      this.state[idx] = RUNNING
      this.stream.emit({type: 'succeeded', t, inst: idx, attempt: 0, pid: null, startedAt: t, value: reused.get(spec.name)})
      return this.succeed(idx, reused.get(spec.name))
    }
    this.state[idx] = READY
    const cache = this.options.cache
    if (cache?.wants(spec.task)) {
      this.stream.emit({type: 'ready', t: nowMicros(), inst: idx})
      cache.lookup({spec, ctx: this.contextFor(spec), refKeys: this.refKeysOf}, this.answered)
      return
    }
    if (this.linked.has(idx)) {
      // a chain link: it is in its input's worker already (ready when that input ended there)
      this.stream.emit({type: 'ready', t: Math.min(this.reportedEnd, nowMicros()), inst: idx})
      return
    }
    this.stream.emit({type: 'ready', t: nowMicros(), inst: idx})
    this.ready.push(idx, this.demandFor(spec.task))
  }

  /** a cache lookup's answer: a hit ends the instance `cached`, a miss queues it to run */
  private looked(idx: number, r: CacheLookupResult): void {
    if (this.state[idx] !== READY || this.stopping) return // cancelled meanwhile
    if (r.key !== null) this.keys[idx] = r.key
    if (r.hit) {
      const t = nowMicros()
      this.stream.emit({type: 'succeeded', t, inst: idx, attempt: 0, pid: null, startedAt: t, value: r.value, cached: r.bytes ? {key: r.key, bytes: r.bytes} : {key: r.key}})
      this.succeed(idx, r.value, CACHED)
    } else this.ready.push(idx, this.demandFor(this.spec(idx).task))
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
    this.state[idx] = code
    this.results[idx] = value
    this.terminal++
    const added = this.addedDependents.get(idx)
    if (added) {
      this.addedDependents.delete(idx)
      for (const d of added) if (--this.waiting[d] === 0 && this.state[d] === PENDING) this.becameReady.push(d)
    }
    if (idx >= this.specs.length) {
      const d = this.markerOf(idx)
      if (d >= 0 && --this.waiting[d] === 0) this.becameReady.push(d)
    } else {
      const {offsets, flat} = this.dependents
      for (let k = offsets[idx]; k < offsets[idx + 1]; k++) {
        const d = flat[k]
        if (--this.waiting[d] === 0 && (this.state[d] === PENDING || this.expandedOf.has(d))) this.becameReady.push(d)
      }
    }
    this.flushReady()
    this.checkEnd()
  }

  private attemptFailed(idx: number, attempt: number, error: TaskError, pid: number | null, startedAt: number, t: number, phases?: AttemptPhases): void {
    const options = this.spec(idx).task.options
    const retry = !this.stopping && shouldRetry(options, error, attempt)
    const delayMicros = retry ? Math.round(retryDelaySeconds(options, attempt) * 1e6) : 0
    const retryAt = retry ? t + delayMicros : null
    this.stream.emit(
      phases?.calledAt === undefined
        ? {type: 'attempt-failed', t, inst: idx, attempt, pid, startedAt, error, retryAt}
        : {type: 'attempt-failed', t, inst: idx, attempt, pid, startedAt, error, retryAt, calledAt: phases.calledAt, returnedAt: phases.returnedAt},
    )
    if (!retry) return this.fail(idx, error)
    this.state[idx] = RETRYING
    if (delayMicros === 0) {
      this.becameReady.push(idx)
      return this.flushReady()
    }
    const timer = startTimer(() => {
      this.retryTimers.delete(timer)
      if (this.state[idx] === RETRYING && !this.stopping) {
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
      this.skipDependents(idx) // an open run goes on: what waits for it cannot run
      return this.checkEnd()
    }
    this.state[idx] = FAILED
    this.terminal++
    this.firstError ??= {instance: this.spec(idx).name, error}
    this.stream.emit({type: 'failed', t: nowMicros(), inst: idx, error})
    this.skipDependents(idx)
    if (this.options.failFast && !this.stopping) this.stop()
    this.checkEnd()
  }

  private skipDependents(root: number): void {
    const stack = [root]
    while (stack.length > 0) {
      const from = stack.pop()!
      const skip = (d: number): void => {
        if (this.state[d] !== PENDING) return
        this.state[d] = SKIPPED
        this.terminal++
        this.stream.emit({type: 'skipped', t: nowMicros(), inst: d, because: from})
        stack.push(d)
      }
      for (const d of this.addedDependents.get(from) ?? []) skip(d)
      if (from >= this.specs.length) {
        const marker = this.markerOf(from)
        if (marker >= 0) skip(marker)
      } else for (let k = this.dependents.offsets[from]; k < this.dependents.offsets[from + 1]; k++) skip(this.dependents.flat[k])
    }
  }

  private cancelOne(idx: number): void {
    if (isTerminal(this.state[idx])) return
    this.state[idx] = CANCELLED
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
    const spec = this.spec(marker)
    const fanout = spec.task.fanout
    let made: ReturnType<typeof makeDynamicInstances>
    try {
      if (fanout.kind !== 'dynamic') throw new Error(`internal: ${spec.name} is a marker without a dynamic fan-out`)
      const source = loadRefs(resolve(fanout.source, this.contextFor(spec))) // the fan-out looks into it
      made = makeDynamicInstances(this.graph, spec, source, this.count)
    } catch (error) {
      made = {ok: false, message: (error as Error).message}
    }
    if (!made.ok) {
      this.attempts[marker] = 1
      return this.fail(marker, {kind: 'error', name: 'FanOutError', message: `${spec.name}: ${made.message}`})
    }
    const idxs = made.instances.map((s) => s.idx)
    this.expandedOf.set(marker, idxs)
    this.state[marker] = RUNNING
    const n = this.count + made.instances.length
    this.state = grown(this.state, n)
    this.waiting = grown(this.waiting, n)
    this.attempts = grown(this.attempts, n)
    for (const s of made.instances) {
      this.madeSpecs.push(s)
      this.results.push(undefined)
    }
    this.madeRanges.push({end: n, marker})
    this.count = n
    this.waiting[marker] = idxs.length
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
        this.pool.take(q.demand)
        const lane: Lane = {demand: q.demand, open: 0}
        for (const j of jobs) {
          this.lanes.set(j.inst, lane)
          lane.open++
          if (j.kind === 'fn' && j.chain) {
            for (const link of j.chain.links) this.lanes.set(link.inst, lane)
            lane.open += j.chain.links.length
          }
        }
        this.executor.submit(jobs)
        for (const j of jobs) if (j.kind === 'fn' && j.chain && !j.chain.claimed) this.unlinkAfter(j.inst)
        dispatched = true
        break
      }
      if (!dispatched) return
    }
  }

  private takeBatch(q: ReturnType<ReadyQueue['queues']>[number], room: number): Job[] {
    const head = this.spec(q.peek()).task
    const batchable = head.kind === 'fn' && head.options.timeout === null
    const limit = batchable ? this.sizer.size(fnKey(head), q.length, room) : 1
    const jobs: Job[] = []
    while (jobs.length < limit && q.length > 0) {
      const idx = q.peek()
      const spec = this.spec(idx)
      // the same function, not the same object: each library call makes its own task
      if (jobs.length > 0 && spec.task.fn !== head.fn && !sameFn(spec.task, head)) break
      q.shift()
      if (this.state[idx] !== READY) continue
      const attempt = ++this.attempts[idx]
      try {
        const job = buildJob(spec, attempt, this.contextFor(spec))
        const chain = this.chains && job.kind === 'fn' ? this.chainAfter(idx, q.demand) : null
        jobs.push(chain && job.kind === 'fn' ? {...job, chain} : job)
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error
        this.stream.emit({type: 'start', t: nowMicros(), inst: idx, attempt, pid: null})
        this.state[idx] = RUNNING
        const t = nowMicros()
        this.attemptFailed(idx, attempt, {kind: 'error', name: error.name, message: `${spec.name}: ${error.message}`}, null, t, t)
      }
    }
    return jobs
  }

  // ---- chain fusion (executor/types.ts, FnChain) ----

  /** the chain of links after `first`, each the one dependent of the one before, or null */
  private chainAfter(first: number, demand: Demand): FnChain | null {
    let links: FnJob[] | null = null
    let before = first
    while (links === null || links.length < CHAIN_MAX) {
      const next = this.nextLink(before, demand)
      if (next < 0) break
      const spec = this.spec(next)
      const link = buildLink(spec, this.attempts[next] + 1, this.spec(before), this.contextFor(spec))
      if (!link) break
      this.attempts[next]++
      ;(links ??= []).push(link)
      this.linked.add(next)
      this.linkAfter.set(before, next)
      before = next
    }
    return links ? {links, claimed: false} : null
  }

  /** the instance that may run as `before`'s link, or -1: its one dependent, waiting for
   * nothing else, a short fn task without a timeout, of the same demand, not reused */
  private nextLink(before: number, demand: Demand): number {
    if (before >= this.specs.length) return -1 // its dependent is its fan-out's marker
    const {offsets, flat} = this.dependents
    if (offsets[before + 1] - offsets[before] !== 1) return -1
    const d = flat[offsets[before]]
    if (this.state[d] !== PENDING || this.waiting[d] !== 1 || this.linked.has(d) || this.expandedOf.has(d)) return -1
    const spec = this.spec(d)
    const task = spec.task
    // a link with a timeout is not run in a chain: its clock starts with a message from the
    // worker, which then also has to flush the results before it (measure before doing so)
    if (spec.marker || task.kind !== 'fn' || task.options.timeout !== null || this.options.reuse?.has(spec.name)) return -1
    if (this.options.cache?.wants(task)) return -1 // looked up before it runs
    if (!this.sizer.isShort(fnKey(task))) return -1
    // the same demand; without named resources, without making a Demand per task (100,000
    // tasks of a chain made 100,000 of them, ~1 % of a run's CPU)
    const o = task.options
    const p = this.spec(before).task.options
    if (!(o.numCpus === p.numCpus && noKeys(o.resources) && noKeys(p.resources)) && this.demandFor(task).key !== demand.key) return -1
    return d
  }

  /** take back the links after `before`, which the executor will not run: not attempted */
  private unlinkAfter(before: number): void {
    let d = this.linkAfter.get(before)
    this.linkAfter.delete(before)
    while (d !== undefined && this.linked.delete(d)) {
      this.attempts[d]--
      this.leaveLane(d)
      const next = this.linkAfter.get(d)
      this.linkAfter.delete(d)
      d = next
    }
  }

  /** an instance is out of its lane (done, or taken back): the lane's slots are free after its last */
  private leaveLane(inst: number): void {
    const lane = this.lanes.get(inst)
    if (!lane) return
    this.lanes.delete(inst)
    if (--lane.open === 0) this.pool.give(lane.demand)
  }

  /** the marker of an instance a dynamic fan-out made; -1 for one added to an open run */
  private markerOf(idx: number): number {
    const ranges = this.madeRanges
    let lo = 0
    let hi = ranges.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (idx < ranges[mid].end) hi = mid
      else lo = mid + 1
    }
    return ranges[lo].marker
  }

  private spec(idx: number): InstanceSpec {
    return idx < this.specs.length ? this.specs[idx] : this.madeSpecs[idx - this.specs.length]
  }

  private demandFor(task: TaskSpec): Demand {
    if (noKeys(task.options.resources)) return demandOf(task.options) // shared, no entry per task
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
    this.ready.drain()
    // one event for every instance still waiting or running (cancelled-rest), not one each
    let cancelled = 0
    for (let i = 0; i < this.count; i++) {
      if (isTerminal(this.state[i])) continue
      this.state[i] = CANCELLED
      cancelled++
    }
    if (cancelled > 0) {
      this.terminal += cancelled
      this.stream.emit({type: 'cancelled-rest', t: nowMicros()})
    }
    this.closeAndFinish()
  }

  private checkEnd(): void {
    if (!this.stopping && !this.open && this.terminal === this.count) {
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

function noKeys(o: object): boolean {
  for (const _ in o) return false
  return true
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

function sameFn(a: TaskSpec, b: TaskSpec): boolean {
  return a.fn !== null && b.fn !== null && a.fn.module === b.fn.module && a.fn.export === b.fn.export && a.kind === b.kind
}
