// The reporters' view of a run, folded from the event stream in O(1) per event: counters,
// maps and small rings, never a scan of all instances. The Ink UI reads it at most ~30
// times a second; the plain and JSON reporters read it when they print a line.
import type {InstanceInfo, InstanceState, RunEvent, RunState, TaskFailure} from '../core/events.js'
import {attemptMicros} from '../format/duration.js'

/** InstanceInfo with the optional task options the runtime may add to run-start. */
export type InstanceMeta = InstanceInfo & {
  readonly numCpus?: number
  readonly resources?: Readonly<Record<string, number>>
  readonly maxRetries?: number
  readonly maxCalls?: number
}

export type ShownState = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'cached'
export type Counts = Record<ShownState, number>

export interface RunningTask {
  readonly inst: number
  readonly name: string
  readonly attempt: number
  /** attempts allowed (max_retries + 1), null when unknown or unlimited */
  readonly maxAttempts: number | null
  readonly pid: number | null
  /** micros (monotonic) when the attempt started */
  readonly since: number
}

export interface WorkerInfo {
  readonly pid: number
  calls: number
  maxCalls: number | null
}

export interface SlowTask {
  readonly name: string
  readonly micros: number
}

export interface Failure {
  readonly inst: number
  readonly name: string
  readonly error: TaskFailure
  /** micros since run start */
  readonly elapsedMicros: number
  readonly logTail: readonly string[]
}

const LOG_TAIL_LINES = 10
const SLOWEST = 5

function shown(s: InstanceState): ShownState {
  return s === 'ready' ? 'pending' : s
}

export class RunModel {
  runId = ''
  graph = ''
  startT = 0
  wallMs = 0
  capacity: Readonly<Record<string, number>> = {}
  readonly instances: InstanceMeta[] = []
  private outputs = new Set<string>()
  private markers = new Set<number>()
  private states: InstanceState[] = []
  readonly counts: Counts = {pending: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, cached: 0}
  /** attempts running now, in start order */
  readonly running = new Map<number, RunningTask>()
  readonly workers = new Map<number, WorkerInfo>()
  /** workers replaced after max_calls */
  recycled = 0
  retries = 0
  readonly inUse = new Map<string, number>()
  readonly slowest: SlowTask[] = []
  private logs = new Map<number, string[]>()
  started = false
  endState: RunState | null = null
  endT = 0
  cancelling = false
  /** what the run took, shown after `cancelling…` */
  cancelWhy: string | null = null
  /** the tasks' own lines go to stderr as they come (not --quiet-tasks): a failure need not repeat them */
  liveOutput = false
  /** bumped by every change that is visible */
  version = 0

  /** instances of the run; a dynamic fan-out's placeholder counts only until it expands */
  get total(): number {
    return this.instances.length - this.markers.size
  }

  /** instances the graph has settled: succeeded, cached, failed or skipped (cancelled ones were not done) */
  get finished(): number {
    const c = this.counts
    return c.succeeded + c.cached + c.failed + c.skipped
  }

  /** instances that ran to an end of their own: succeeded or failed */
  get ran(): number {
    return this.counts.succeeded + this.counts.failed
  }

  /** micros since run start, at `t` (default: the run end, or now) */
  elapsed(t: number): number {
    return this.started ? Math.max(0, t - this.startT) : 0
  }

  /** a dynamic fan-out's placeholder, once expanded: its instances are the tasks, it is not one */
  isPlaceholder(inst: number): boolean {
    return this.markers.has(inst)
  }

  isOutput(inst: number): boolean {
    const info = this.instances[inst]
    if (!info || this.markers.has(inst)) return false
    return this.outputs.has(info.task) || this.outputs.has(info.name)
  }

  name(inst: number): string {
    return this.instances[inst]?.name ?? `#${inst}`
  }

  logTail(inst: number): readonly string[] {
    return this.logs.get(inst) ?? []
  }

  apply(e: RunEvent): void {
    this.version++
    switch (e.type) {
      case 'run-start':
        this.started = true
        this.runId = e.runId
        this.graph = e.graph
        this.startT = e.t
        this.wallMs = e.wallMs
        this.capacity = e.capacity
        this.outputs = new Set(e.outputs)
        for (const i of e.instances) this.addInstance(i)
        return
      case 'added':
        for (const i of e.instances) this.addInstance(i)
        return
      case 'expanded':
        this.dropPlaceholder(e.marker)
        for (const i of e.instances) this.addInstance(i)
        return
      case 'ready':
        this.setState(e.inst, 'ready')
        return
      case 'start': {
        this.endAttempt(e.inst)
        this.setState(e.inst, 'running')
        const info = this.instances[e.inst]
        const mr = info?.maxRetries
        this.running.set(e.inst, {
          inst: e.inst,
          name: this.name(e.inst),
          attempt: e.attempt,
          maxAttempts: mr === undefined || mr < 0 ? null : mr + 1,
          pid: e.pid,
          since: e.t,
        })
        this.hold(info, +1)
        return
      }
      case 'succeeded': {
        if (e.cached) {
          this.setState(e.inst, 'cached')
          return
        }
        this.endAttempt(e.inst)
        this.countCall(e.pid, e.inst)
        this.setState(e.inst, 'succeeded')
        this.logs.delete(e.inst)
        if (!this.markers.has(e.inst)) this.noteDuration(this.name(e.inst), attemptMicros({startedAt: e.startedAt, endedAt: e.t}))
        return
      }
      case 'attempt-failed':
        this.endAttempt(e.inst)
        this.countCall(e.pid, e.inst)
        if (e.retryAt !== null) {
          this.retries++
          this.setState(e.inst, 'retrying')
        }
        return
      case 'failed':
        this.endAttempt(e.inst)
        this.setState(e.inst, 'failed')
        return
      case 'skipped':
        this.setState(e.inst, 'skipped')
        return
      case 'cancelled':
        this.endAttempt(e.inst)
        this.setState(e.inst, 'cancelled')
        this.logs.delete(e.inst)
        return
      case 'cancelled-rest':
        this.cancelRest()
        return
      case 'log':
        this.addLog(e.inst, e.text)
        return
      case 'worker-start':
        this.workers.set(e.pid, {pid: e.pid, calls: 0, maxCalls: null})
        return
      case 'worker-exit':
        this.workers.delete(e.pid)
        if (e.reason === 'max_calls') this.recycled++
        return
      case 'process-group':
        return
      case 'run-end':
        this.endState = e.state
        this.endT = e.t
        return
    }
  }

  failure(inst: number, error: TaskFailure, t: number): Failure {
    return {inst, name: this.name(inst), error, elapsedMicros: this.elapsed(t), logTail: this.logTail(inst)}
  }

  private addInstance(i: InstanceInfo): void {
    this.instances[i.idx] = i
    if (this.states[i.idx] === undefined) {
      this.states[i.idx] = 'pending'
      this.counts.pending++
    }
  }

  /** a dynamic fan-out's placeholder gives way to the instances it expanded into: no longer counted */
  private dropPlaceholder(marker: number): void {
    if (this.markers.has(marker)) return
    const prev = this.states[marker]
    if (prev !== undefined) this.counts[shown(prev)]--
    this.markers.add(marker)
  }

  private setState(inst: number, s: InstanceState): void {
    if (this.markers.has(inst)) return
    const prev = this.states[inst]
    if (prev !== undefined) this.counts[shown(prev)]--
    this.states[inst] = s
    this.counts[shown(s)]++
  }

  /** the run stopped: every instance not ended is cancelled (one scan, once a run) */
  private cancelRest(): void {
    const states = this.states
    for (let i = 0; i < states.length; i++) {
      const s = states[i]
      if (s === undefined || s === 'succeeded' || s === 'failed' || s === 'skipped' || s === 'cancelled') continue
      this.endAttempt(i)
      this.setState(i, 'cancelled')
      this.logs.delete(i)
    }
  }

  private endAttempt(inst: number): void {
    if (this.running.delete(inst)) this.hold(this.instances[inst], -1)
  }

  /** add or release the CPUs and resources an instance holds while it runs */
  private hold(info: InstanceMeta | undefined, sign: 1 | -1): void {
    const cpu = info ? (info.numCpus ?? 1) : 0
    if (cpu) this.inUse.set('cpu', (this.inUse.get('cpu') ?? 0) + sign * cpu)
    const res = info?.resources
    if (res) for (const k in res) this.inUse.set(k, (this.inUse.get(k) ?? 0) + sign * (res[k] ?? 0))
  }

  private countCall(pid: number | null, inst: number): void {
    if (pid === null) return
    const w = this.workers.get(pid)
    if (!w) return
    w.calls++
    const mc = this.instances[inst]?.maxCalls
    if (mc !== undefined && mc > 0) w.maxCalls = mc
  }

  private noteDuration(name: string, micros: number): void {
    const s = this.slowest
    if (s.length === SLOWEST && micros <= s[SLOWEST - 1]!.micros) return
    let i = s.length
    while (i > 0 && s[i - 1]!.micros < micros) i--
    s.splice(i, 0, {name, micros})
    if (s.length > SLOWEST) s.pop()
  }

  private addLog(inst: number, text: string): void {
    let ring = this.logs.get(inst)
    if (!ring) this.logs.set(inst, (ring = []))
    const lines = text.split('\n')
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
    for (const l of lines) ring.push(l)
    if (ring.length > LOG_TAIL_LINES) ring.splice(0, ring.length - LOG_TAIL_LINES)
  }
}
