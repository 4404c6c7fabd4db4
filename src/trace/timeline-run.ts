// Reads a run's event stream into what a timeline draws: attempts with their real start
// and end, scheduling waits, workers, instants. Pure; no drawing decisions here.
import type {AttemptPhases, InstanceInfo, RunEvent, TaskError} from '../core/events.js'
import type {Outcome} from './types.js'

/** An instance as run-start/expanded describe it (deps, kind and what are optional: older events lack them). A stored run-start's come from the instance rows (store/stored-run-start.ts). */
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
  readonly error: TaskError | null
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

const outcomeOf = (error: TaskError): Outcome =>
  error.kind === 'error' ? 'failed' : error.kind === 'skipped' ? 'cancelled' : error.kind

export const errorText = (error: TaskError | null): string | null => (error ? `${error.name}: ${error.message}` : null)

/** Reads events into a TimelineRun (a run as its timeline sees it). Throws when there is no run-start. */
export function readRun(events: readonly RunEvent[], detail?: GraphDetail): TimelineRun {
  const head = events.find((e) => e.type === 'run-start')
  if (!head || head.type !== 'run-start') throw new Error('no run-start event: not a run')
  const instances = new Map<number, InstanceDetail>()
  for (const i of head.instances) instances.set(i.idx, i)
  const expansions = new Map<number, number[]>()
  const workers = new Map<number, {pid: number; startedAt: number | null; exitedAt: number | null; reason: string | null; calls: number | null}>()
  const readyAt = new Map<number, number>()
  const open = new Map<string, Open>()
  const groups = new Map<string, number>()
  const attempts: Attempt[] = []
  const marks: InstanceMark[] = []
  /** instances that reached an end (for cancelled-rest: the others are cancelled) */
  const ended = new Set<number>()
  let tEnd = head.t
  let state = 'running'
  const key = (inst: number, attempt: number): string => `${inst}:${attempt}`
  const worker = (pid: number) => {
    let w = workers.get(pid)
    if (!w) workers.set(pid, (w = {pid, startedAt: null, exitedAt: null, reason: null, calls: null}))
    return w
  }
  const info = (inst: number): InstanceDetail => instances.get(inst) ?? {idx: inst, name: `#${inst}`, task: `#${inst}`, index: null}
  const finish = (
    inst: number,
    attempt: number,
    pid: number | null,
    startedAt: number | null,
    t: number,
    outcome: Outcome,
    error: TaskError | null,
    retryAt: number | null,
    phases: AttemptPhases = {},
  ) => {
    const k = key(inst, attempt)
    const o = open.get(k)
    open.delete(k)
    const i = info(inst)
    const p = pid ?? o?.pid ?? null
    const pgid = groups.get(k) ?? o?.pgid ?? null
    attempts.push({
      inst,
      name: i.name,
      task: i.task,
      attempt,
      kind: pgid !== null ? 'cmd' : p !== null && workers.has(p) ? 'fn' : (i.kind ?? detail?.tasks.get(i.task)?.kind ?? 'unknown'),
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

  for (const e of events) {
    tEnd = Math.max(tEnd, e.t)
    switch (e.type) {
      case 'added':
        for (const i of e.instances) instances.set(i.idx, i)
        break
      case 'expanded':
        for (const i of e.instances) instances.set(i.idx, i)
        expansions.set(e.marker, [...(expansions.get(e.marker) ?? []), ...e.instances.map((i) => i.idx)])
        break
      case 'ready':
        readyAt.set(e.inst, e.t)
        break
      case 'start':
        open.set(key(e.inst, e.attempt), {readyAt: readyAt.get(e.inst) ?? null, handedAt: e.t, pid: e.pid, pgid: null, startedAt: null})
        readyAt.delete(e.inst)
        break
      case 'process-group': {
        groups.set(key(e.inst, e.attempt), e.pgid)
        const o = open.get(key(e.inst, e.attempt))
        if (o) {
          o.pgid = e.pgid
          o.startedAt ??= e.t
        }
        break
      }
      case 'succeeded':
        ended.add(e.inst)
        finish(e.inst, e.attempt, e.pid, e.startedAt, e.t, e.cached ? 'cached' : 'succeeded', null, null, e)
        break
      case 'attempt-failed':
        finish(e.inst, e.attempt, e.pid, e.startedAt, e.t, outcomeOf(e.error), e.error, e.retryAt, e)
        if (e.retryAt !== null) readyAt.set(e.inst, Math.max(e.t, e.retryAt))
        break
      case 'failed':
        ended.add(e.inst)
        marks.push({kind: 'failed', t: e.t, inst: e.inst, detail: errorText(e.error) ?? ''})
        break
      case 'skipped':
        ended.add(e.inst)
        marks.push({kind: 'skipped', t: e.t, inst: e.inst, detail: `because ${info(e.because).name}`})
        break
      case 'cancelled-rest':
        for (const inst of instances.keys()) {
          if (ended.has(inst)) continue
          ended.add(inst)
          marks.push({kind: 'cancelled', t: e.t, inst, detail: ''})
        }
        for (const [k, o] of [...open]) {
          const [inst, attempt] = k.split(':').map(Number) as [number, number]
          finish(inst, attempt, o.pid, o.startedAt, e.t, 'cancelled', null, null)
        }
        break
      case 'cancelled': {
        ended.add(e.inst)
        marks.push({kind: 'cancelled', t: e.t, inst: e.inst, detail: ''})
        // an attempt still running when its instance is cancelled ends here
        for (const [k, o] of [...open]) {
          const [inst, attempt] = k.split(':').map(Number) as [number, number]
          if (inst === e.inst) finish(inst, attempt, o.pid, o.startedAt, e.t, 'cancelled', null, null)
        }
        break
      }
      case 'worker-start':
        worker(e.pid).startedAt = e.t
        break
      case 'worker-exit': {
        const w = worker(e.pid)
        w.exitedAt = e.t
        w.reason = e.reason
        w.calls = e.calls
        break
      }
      case 'run-end':
        state = e.state
        break
      default:
        break
    }
  }
  // attempts without an end: cancelled by run-end, or still running when the events stop
  for (const [k, o] of [...open]) {
    const [inst, attempt] = k.split(':').map(Number) as [number, number]
    finish(inst, attempt, o.pid, o.startedAt, tEnd, state === 'running' ? 'unfinished' : 'cancelled', null, null)
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
    instances,
    expansions,
    attempts,
    workers,
    marks,
    detail,
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
