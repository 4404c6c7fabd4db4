// Reads a run's event stream into what a timeline draws: attempts with their real start
// and end, scheduling waits, workers, instants. Pure; no drawing decisions here.
import type {AttemptPhases, EventOf, InstanceInfo, RunEvent, TaskFailure} from '../core/events.js'
import type {Outcome} from './types.js'

/** An instance as run-start/expanded describe it (deps, kind and what are optional: older events lack them). A stored run-start's come from the instance rows (store/record/stored-run-start.ts). */
export type InstanceDetail = InstanceInfo

/** Static facts about a graph's tasks, when the caller has the compiled graph (see graph-detail.ts). */
export interface GraphDetail {
  readonly tasks: ReadonlyMap<string, {readonly kind: 'fn' | 'cmd'; readonly fn?: string; readonly cmd?: string}>
  /** instance name → names of the instances it waits for */
  readonly deps: ReadonlyMap<string, readonly string[]>
}

export type AttemptKind = 'fn' | 'cmd' | 'unknown'

export interface Attempt {
  readonly inst: number
  readonly name: string
  readonly task: string
  readonly attempt: number
  readonly kind: AttemptKind
  /** worker pid (fn) or command pid (cmd) */
  readonly pid: number | null
  readonly pgid: number | null
  /** when the instance became ready for this attempt (ready event, or the retry time) */
  readonly readyAt: number | null
  /** when it was handed to the executor (`start`) */
  readonly handedAt: number | null
  /** when it really began running */
  readonly startedAt: number
  readonly endedAt: number
  readonly outcome: Outcome
  readonly error: TaskFailure | null
  /** set when another attempt follows */
  readonly retryAt: number | null
  /** fn: when its inputs were read and its function called, and when that returned; null when not known */
  readonly calledAt: number | null
  readonly returnedAt: number | null
}

export interface WorkerLife {
  readonly pid: number
  readonly startedAt: number | null
  readonly exitedAt: number | null
  readonly reason: string | null
  readonly calls: number | null
}

export interface InstanceMark {
  readonly kind: 'failed' | 'skipped' | 'cancelled'
  readonly t: number
  readonly inst: number
  readonly detail: string
}

export interface TimelineRun {
  readonly runId: string
  readonly graph: string
  readonly file: string
  readonly wallMs: number
  /** monotonic µs of run-start: ts 0 */
  readonly t0: number
  /** the last event's time */
  readonly tEnd: number
  readonly state: string
  readonly capacity: Readonly<Record<string, number>>
  readonly instances: ReadonlyMap<number, InstanceDetail>
  /** dynamic fan-out marker → the instances made for it */
  readonly expansions: ReadonlyMap<number, readonly number[]>
  /** attempts in the order they ended (unfinished ones last) */
  readonly attempts: readonly Attempt[]
  readonly workers: ReadonlyMap<number, WorkerLife>
  readonly marks: readonly InstanceMark[]
  readonly detail: GraphDetail | undefined
}

interface Open {
  readyAt: number | null
  handedAt: number
  pid: number | null
  pgid: number | null
  startedAt: number | null
}

const outcomeOf = (error: TaskFailure): Outcome =>
  error.kind === 'error' ? 'failed' : error.kind === 'skipped' ? 'cancelled' : error.kind

export const errorText = (error: TaskFailure | null): string | null => (error ? `${error.name}: ${error.message}` : null)

/** Reads events into a TimelineRun (a run as its timeline sees it). Throws when there is no run-start. */
export function readRun(events: readonly RunEvent[], detail?: GraphDetail): TimelineRun {
  const head = events.find((e) => e.type === 'run-start')
  if (!head || head.type !== 'run-start') throw new Error('no run-start event: not a run')
  const reader = new RunReader(head, detail)
  for (const e of events) reader.take(e)
  return reader.end()
}

type WorkerState = {-readonly [K in keyof WorkerLife]: WorkerLife[K]}

const key = (inst: number, attempt: number): string => `${inst}:${attempt}`
const unkey = (k: string): [number, number] => k.split(':').map(Number) as [number, number]

/** the state of one pass over a run's events */
class RunReader {
  private readonly instances = new Map<number, InstanceDetail>()
  private readonly expansions = new Map<number, number[]>()
  private readonly workers = new Map<number, WorkerState>()
  private readonly readyAt = new Map<number, number>()
  /** attempts handed to the executor and not ended, by `inst:attempt` */
  private readonly open = new Map<string, Open>()
  private readonly groups = new Map<string, number>()
  private readonly attempts: Attempt[] = []
  private readonly marks: InstanceMark[] = []
  /** instances that reached an end (for cancelled-rest: the others are cancelled) */
  private readonly ended = new Set<number>()
  private tEnd: number
  private state = 'running'

  constructor(
    private readonly head: EventOf<'run-start'>,
    private readonly detail: GraphDetail | undefined,
  ) {
    for (const i of head.instances) this.instances.set(i.idx, i)
    this.tEnd = head.t
  }

  take(e: RunEvent): void {
    this.tEnd = Math.max(this.tEnd, e.t)
    switch (e.type) {
      case 'added':
        for (const i of e.instances) this.instances.set(i.idx, i)
        break
      case 'expanded':
        for (const i of e.instances) this.instances.set(i.idx, i)
        this.expansions.set(e.marker, [...(this.expansions.get(e.marker) ?? []), ...e.instances.map((i) => i.idx)])
        break
      case 'ready':
        this.readyAt.set(e.inst, e.t)
        break
      case 'start':
        this.open.set(key(e.inst, e.attempt), {readyAt: this.readyAt.get(e.inst) ?? null, handedAt: e.t, pid: e.pid, pgid: null, startedAt: null})
        this.readyAt.delete(e.inst)
        break
      case 'process-group': {
        this.groups.set(key(e.inst, e.attempt), e.pgid)
        const o = this.open.get(key(e.inst, e.attempt))
        if (o) {
          o.pgid = e.pgid
          o.startedAt ??= e.t
        }
        break
      }
      case 'succeeded':
        this.ended.add(e.inst)
        this.finish(e.inst, e.attempt, e.pid, e.startedAt, e.t, e.cached ? 'cached' : 'succeeded', null, null, e)
        break
      case 'attempt-failed':
        this.finish(e.inst, e.attempt, e.pid, e.startedAt, e.t, outcomeOf(e.error), e.error, e.retryAt, e)
        if (e.retryAt !== null) this.readyAt.set(e.inst, Math.max(e.t, e.retryAt))
        break
      case 'failed':
        this.mark('failed', e.t, e.inst, errorText(e.error) ?? '')
        break
      case 'skipped':
        this.mark('skipped', e.t, e.inst, `because ${this.info(e.because).name}`)
        break
      case 'cancelled-rest':
        for (const inst of this.instances.keys()) if (!this.ended.has(inst)) this.mark('cancelled', e.t, inst, '')
        this.cancelOpen(e.t, () => true)
        break
      case 'cancelled':
        this.mark('cancelled', e.t, e.inst, '')
        // an attempt still running when its instance is cancelled ends here
        this.cancelOpen(e.t, (inst) => inst === e.inst)
        break
      case 'worker-start':
        this.worker(e.pid).startedAt = e.t
        break
      case 'worker-exit': {
        const w = this.worker(e.pid)
        w.exitedAt = e.t
        w.reason = e.reason
        w.calls = e.calls
        break
      }
      case 'run-end':
        this.state = e.state
        break
      default:
        break
    }
  }

  /** the run as read; attempts without an end were cancelled by run-end, or still run when the events stop */
  end(): TimelineRun {
    const {head, state, tEnd} = this
    for (const [k, o] of [...this.open]) {
      const [inst, attempt] = unkey(k)
      this.finish(inst, attempt, o.pid, o.startedAt, tEnd, state === 'running' ? 'unfinished' : 'cancelled', null, null)
    }
    return {
      runId: head.runId,
      graph: head.graph,
      file: head.file,
      wallMs: head.wallMs,
      t0: head.t,
      tEnd,
      state,
      capacity: head.capacity,
      instances: this.instances,
      expansions: this.expansions,
      attempts: this.attempts,
      workers: this.workers,
      marks: this.marks,
      detail: this.detail,
    }
  }

  private mark(kind: InstanceMark['kind'], t: number, inst: number, detail: string): void {
    this.ended.add(inst)
    this.marks.push({kind, t, inst, detail})
  }

  private cancelOpen(t: number, which: (inst: number) => boolean): void {
    for (const [k, o] of [...this.open]) {
      const [inst, attempt] = unkey(k)
      if (which(inst)) this.finish(inst, attempt, o.pid, o.startedAt, t, 'cancelled', null, null)
    }
  }

  private worker(pid: number): WorkerState {
    let w = this.workers.get(pid)
    if (!w) this.workers.set(pid, (w = {pid, startedAt: null, exitedAt: null, reason: null, calls: null}))
    return w
  }

  private info(inst: number): InstanceDetail {
    return this.instances.get(inst) ?? {idx: inst, name: `#${inst}`, task: `#${inst}`, index: null}
  }

  private finish(
    inst: number,
    attempt: number,
    pid: number | null,
    startedAt: number | null,
    t: number,
    outcome: Outcome,
    error: TaskFailure | null,
    retryAt: number | null,
    phases: AttemptPhases = {},
  ): void {
    const k = key(inst, attempt)
    const o = this.open.get(k)
    this.open.delete(k)
    const i = this.info(inst)
    const p = pid ?? o?.pid ?? null
    const pgid = this.groups.get(k) ?? o?.pgid ?? null
    this.attempts.push({
      inst,
      name: i.name,
      task: i.task,
      attempt,
      kind: pgid !== null ? 'cmd' : p !== null && this.workers.has(p) ? 'fn' : (i.kind ?? this.detail?.tasks.get(i.task)?.kind ?? 'unknown'),
      pid: p,
      pgid,
      readyAt: o?.readyAt ?? null,
      handedAt: o?.handedAt ?? null,
      startedAt: Math.min(startedAt ?? o?.startedAt ?? o?.handedAt ?? t, t),
      endedAt: t,
      outcome,
      error,
      retryAt,
      calledAt: phases.calledAt ?? null,
      returnedAt: phases.returnedAt ?? null,
    })
  }
}

/** The instances `inst` waits for: run-start's deps, else the compiled graph's (by name). */
export function depsOf(model: TimelineRun, inst: number, byName: ReadonlyMap<string, number>): readonly number[] {
  const i = model.instances.get(inst)
  if (!i) return []
  if (i.deps) return i.deps
  const names = model.detail?.deps.get(i.name) ?? []
  return names.flatMap((n) => {
    const idx = byName.get(n)
    return idx === undefined ? [] : [idx]
  })
}
