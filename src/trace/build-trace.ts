// A run's events → a Chrome trace (JSON object form) that Perfetto and chrome://tracing draw
// well: one process, a thread per worker process, per command slot and per scheduler lane;
// an X span per attempt, scheduler waits, instants for crashes, timeouts, retries and
// worker lifecycles, and flow arrows along dependency edges.
import type {RunEvent} from '../core/events.js'
import {attemptMicros} from '../format/duration.js'
import {assignSlots, clampLane} from './lanes.js'
import {phasesOf} from './phases.js'
import {type Attempt, type GraphDetail, type TimelineRun, depsOf, errorText, readRun} from './timeline-run.js'
import {
  type ChromeTrace,
  type FlowEvent,
  type InstantEvent,
  type MetadataEvent,
  type TraceEvent,
  FLOW_CAT,
  PHASE_CAT,
  QUEUED_CAT,
  RUN_PID,
  WAIT_CAT,
} from './types.js'

interface Thread {
  readonly tid: number
  readonly name: string
}

interface Placed {
  readonly tid: number
  readonly ts: number
  readonly dur: number
}

type Pool = 'cmd' | 'other'

const poolName: Record<Pool, string> = {cmd: 'cmd slot', other: 'no process'}

export interface BuildOptions {
  /** static facts from the compiled graph: function/command names, and dependency edges when run-start lacks them */
  readonly detail?: GraphDetail
}

const laneOf = (a: Attempt): number | Pool => (a.kind === 'cmd' ? 'cmd' : a.pid === null ? 'other' : a.pid)

export function buildTrace(events: readonly RunEvent[], options: BuildOptions = {}): ChromeTrace {
  const model = readRun(events, options.detail)
  const rel = (t: number): number => t - model.t0
  const threads: Thread[] = []
  const thread = (name: string): number => {
    const tid = threads.length + 1
    threads.push({tid, name})
    return tid
  }
  const out: TraceEvent[] = []
  const placed = new Map<Attempt, Placed>()

  // scheduler lanes: each attempt's wait from ready to start (handed to the executor), then
  // its queueing from start to when it really began (in a worker's batch, or while a
  // worker starts and imports the module)
  const sched = model.attempts.filter((a) => a.handedAt !== null)
  const schedIv = sched.map((a) => ({start: Math.min(a.readyAt ?? a.handedAt!, a.handedAt!), end: Math.max(a.handedAt!, a.startedAt)}))
  const schedSlots = assignSlots(schedIv)
  const schedulerTids: number[] = [thread('scheduler')]
  const schedulerTid = (slot: number): number => {
    while (schedulerTids.length <= slot) schedulerTids.push(thread(`scheduler ${schedulerTids.length + 1}`))
    return schedulerTids[slot]!
  }
  sched.forEach((a, i) => {
    const iv = schedIv[i]!
    const tid = schedulerTid(schedSlots[i]!)
    const args = {instance: a.name, task: a.task, attempt: a.attempt}
    if (a.readyAt !== null) {
      const dur = a.handedAt! - iv.start
      out.push({ph: 'X', name: `wait ${a.name}`, cat: WAIT_CAT, ts: rel(iv.start), dur, pid: RUN_PID, tid, args: {...args, waitMicros: dur}})
    }
    if (a.startedAt > a.handedAt!) {
      const dur = a.startedAt - a.handedAt!
      out.push({ph: 'X', name: `queued ${a.name}`, cat: QUEUED_CAT, ts: rel(a.handedAt!), dur, pid: RUN_PID, tid, args: {...args, queuedMicros: dur}})
    }
  })

  // worker threads, in the order they appeared
  const workerFirst = new Map<number, number>()
  for (const w of model.workers.values()) if (w.startedAt !== null) workerFirst.set(w.pid, w.startedAt)
  for (const a of model.attempts) {
    const lane = laneOf(a)
    if (typeof lane === 'number') workerFirst.set(lane, Math.min(workerFirst.get(lane) ?? Infinity, a.startedAt))
  }
  for (const w of model.workers.values()) if (!workerFirst.has(w.pid)) workerFirst.set(w.pid, w.exitedAt ?? model.tEnd)
  const workerTid = new Map<number, number>()
  for (const [pid] of [...workerFirst].sort((x, y) => x[1] - y[1] || x[0] - y[0])) workerTid.set(pid, thread(`worker ${pid}`))
  for (const [pid, tid] of workerTid) {
    const mine = model.attempts.filter((a) => laneOf(a) === pid)
    clampLane(mine.map((a) => ({start: a.startedAt, end: a.endedAt}))).forEach((c, i) => {
      placed.set(mine[i]!, {tid, ts: rel(c.start), dur: c.end - c.start})
    })
  }

  // command slots (and attempts that never had a process): lowest free slot
  for (const pool of ['cmd', 'other'] as const) {
    const mine = model.attempts.filter((a) => laneOf(a) === pool)
    const slots = assignSlots(mine.map((a) => ({start: a.startedAt, end: a.endedAt})))
    const tids: number[] = []
    const max = slots.reduce((m, s) => Math.max(m, s + 1), 0)
    for (let s = 0; s < max; s++) tids.push(thread(`${poolName[pool]} ${s + 1}`))
    mine.forEach((a, i) => placed.set(a, {tid: tids[slots[i]!]!, ts: rel(a.startedAt), dur: attemptMicros(a)}))
  }

  // one span per attempt, as long as the attempt ran (src/format/duration.ts), unless clamped;
  // inside it, its phases (read inputs, execute, write result), kept within the span
  for (const a of model.attempts) {
    const p = placed.get(a)!
    out.push({ph: 'X', name: a.name, cat: a.outcome, ts: p.ts, dur: p.dur, pid: RUN_PID, tid: p.tid, args: attemptArgs(model, a, p)})
    for (const ph of phasesOf(a)) {
      const ts = Math.max(p.ts, rel(ph.start))
      const end = Math.min(p.ts + p.dur, rel(ph.end))
      if (end <= ts) continue
      out.push({ph: 'X', name: ph.name, cat: PHASE_CAT, ts, dur: end - ts, pid: RUN_PID, tid: p.tid, args: {instance: a.name, attempt: a.attempt, micros: ph.end - ph.start}})
    }
  }

  // loops, not push(...): a run's instants and flows are as many as its tasks
  for (const e of instants(model, placed, workerTid, schedulerTids[0]!)) out.push(e)
  for (const e of flows(model, placed)) out.push(e)

  const meta: MetadataEvent[] = [
    {ph: 'M', name: 'process_name', ts: 0, pid: RUN_PID, tid: 0, args: {name: `rayts ${model.graph} ${model.runId}`}},
    {ph: 'M', name: 'process_sort_index', ts: 0, pid: RUN_PID, tid: 0, args: {sort_index: 0}},
  ]
  for (const t of threads) {
    meta.push({ph: 'M', name: 'thread_name', ts: 0, pid: RUN_PID, tid: t.tid, args: {name: t.name}})
    meta.push({ph: 'M', name: 'thread_sort_index', ts: 0, pid: RUN_PID, tid: t.tid, args: {sort_index: t.tid}})
  }
  const timed = out.map((e, i) => [e, i] as const).sort((x, y) => x[0].ts - y[0].ts || x[1] - y[1])
  return {
    traceEvents: [...meta, ...timed.map(([e]) => e)],
    displayTimeUnit: 'ms',
    otherData: {
      runId: model.runId,
      graph: model.graph,
      file: model.file,
      startedAt: new Date(model.wallMs).toISOString(),
      wallMs: model.wallMs,
      state: model.state,
      capacity: model.capacity,
      spans: model.attempts.length,
    },
  }
}

function attemptArgs(model: TimelineRun, a: Attempt, p: Placed): Record<string, unknown> {
  const info = model.instances.get(a.inst)
  const task = model.detail?.tasks.get(a.task)
  const args: Record<string, unknown> = {instance: a.name, task: a.task, kind: a.kind, attempt: a.attempt, outcome: a.outcome}
  const kind = info?.kind ?? task?.kind
  const fn = kind === 'fn' ? (info?.what ?? task?.fn) : undefined
  const cmd = kind === 'cmd' ? (info?.what ?? task?.cmd) : undefined
  if (fn !== undefined) args['function'] = fn
  if (cmd !== undefined) args['command'] = cmd
  if (a.error) args['error'] = errorText(a.error)
  if (a.error?.exitCode !== undefined) args['exitCode'] = a.error.exitCode
  if (a.error?.signal !== undefined) args['signal'] = a.error.signal
  args[a.kind === 'cmd' ? 'pid' : 'workerPid'] = a.pid
  if (a.pgid !== null) args['pgid'] = a.pgid
  if (a.readyAt !== null && a.handedAt !== null) args['waitMicros'] = a.handedAt - Math.min(a.readyAt, a.handedAt)
  if (a.handedAt !== null) args['queuedInWorkerMicros'] = Math.max(0, a.startedAt - a.handedAt)
  const clampedBy = p.ts - (a.startedAt - model.t0)
  if (clampedBy > 0) args['clampedByMicros'] = clampedBy
  return args
}

function instants(model: TimelineRun, placed: ReadonlyMap<Attempt, Placed>, workerTid: ReadonlyMap<number, number>, schedulerTid: number): InstantEvent[] {
  const rel = (t: number): number => t - model.t0
  const out: InstantEvent[] = []
  const at = (tid: number, t: number, name: string, cat: string, args: Record<string, unknown>, s: 't' | 'p' = 't') =>
    out.push({ph: 'i', name, cat, ts: rel(t), pid: RUN_PID, tid, s, args})
  for (const a of model.attempts) {
    const p = placed.get(a)!
    const base = {instance: a.name, attempt: a.attempt, error: errorText(a.error), pid: a.pid}
    if (a.outcome === 'crash' || a.outcome === 'timeout') at(p.tid, a.endedAt, `${a.outcome} ${a.name}`, a.outcome, base)
    if (a.retryAt !== null) {
      at(schedulerTid, a.endedAt, `retry ${a.name}`, 'retry', {...base, nextAttempt: a.attempt + 1, retryAtMs: rel(a.retryAt) / 1000})
    }
  }
  for (const w of model.workers.values()) {
    const tid = workerTid.get(w.pid)!
    if (w.startedAt !== null) at(tid, w.startedAt, 'worker start', 'worker', {pid: w.pid})
    if (w.exitedAt !== null) {
      const name = w.reason === 'max_calls' ? 'worker recycled (max_calls)' : `worker exit (${w.reason})`
      at(tid, w.exitedAt, name, w.reason === 'crash' ? 'crash' : 'worker', {pid: w.pid, reason: w.reason, calls: w.calls})
    }
  }
  for (const m of model.marks) {
    const name = model.instances.get(m.inst)?.name ?? `#${m.inst}`
    at(schedulerTid, m.t, `${m.kind} ${name}`, m.kind, {instance: name, detail: m.detail})
  }
  if (model.state !== 'running') at(schedulerTid, model.tEnd, `run ${model.state}`, 'run', {state: model.state}, 'p')
  return out
}

/** Flow arrows from each dependency's successful attempt end to the dependent's first attempt start. */
function flows(model: TimelineRun, placed: ReadonlyMap<Attempt, Placed>): FlowEvent[] {
  const byName = new Map<string, number>()
  for (const i of model.instances.values()) byName.set(i.name, i.idx)
  const produced = new Map<number, Attempt>()
  const first = new Map<number, Attempt>()
  for (const a of model.attempts) {
    if (a.outcome === 'succeeded') produced.set(a.inst, a)
    const f = first.get(a.inst)
    if (!f || a.attempt < f.attempt) first.set(a.inst, a)
  }
  const producers = (inst: number, depth = 0): Attempt[] => {
    const a = produced.get(inst)
    if (a) return [a]
    const children = model.expansions.get(inst)
    if (!children || depth > 8) return []
    return children.flatMap((c) => producers(c, depth + 1))
  }
  const out: FlowEvent[] = []
  let id = 0
  for (const [inst, consumer] of first) {
    const c = placed.get(consumer)!
    for (const dep of depsOf(model, inst, byName)) {
      for (const producer of producers(dep)) {
        const p = placed.get(producer)!
        id++
        // inside the slices, so that each end binds to its enclosing slice
        out.push({ph: 's', name: FLOW_CAT, cat: FLOW_CAT, id, ts: p.ts + p.dur - Math.min(1, p.dur / 2), pid: RUN_PID, tid: p.tid})
        out.push({ph: 'f', bp: 'e', name: FLOW_CAT, cat: FLOW_CAT, id, ts: c.ts + Math.min(1, c.dur / 2), pid: RUN_PID, tid: c.tid})
      }
    }
  }
  return out
}

