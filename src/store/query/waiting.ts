// Why an instance that has not started waits, told from the store (Ray's task states are
// the model: PENDING_ARGS_AVAIL, PENDING_NODE_ASSIGNMENT):
// - pending:  its inputs, naming those not finished and their state;
// - ready:    a CPU or resource slot when the running instances hold what it needs, else a
//             worker (one starting when the run has none alive yet; in a cluster run, a
//             free worker of the cluster: the job waits in Redis);
// - retrying: the backoff before its next attempt.
// Only for the instances asked about (a page of `status`, one in the dashboard).
import type {Store} from '../db.js'
import type {TaskInfo} from '../record/stored-run-start.js'
import {parseMeta} from './meta.js'
import {syncInstanceRows} from '../record/instance-rows.js'

const SHOWN_INPUTS = 3
const CHUNK = 500

export type WaitKind = 'inputs' | 'slot' | 'worker-starting' | 'worker' | 'cluster-worker' | 'backoff'

export interface WaitReason {
  readonly kind: WaitKind
  /** for people: `inputs: a[1] (running), b (pending)` */
  readonly text: string
}

interface Row {
  name: string
  task: string
  state: string
  attempt: number
  deps: string | null
}

type Demand = Readonly<Record<string, number>>

/** name → why it waits, for those of `names` that wait (pending, ready, retrying) */
export function waitReasons(store: Store, runId: string, names: readonly string[]): Map<string, WaitReason> {
  syncInstanceRows(store, runId)
  const out = new Map<string, WaitReason>()
  const rows = rowsNamed(store, runId, names).filter((r) => r.state === 'pending' || r.state === 'ready' || r.state === 'retrying')
  if (rows.length === 0) return out
  const pending = rows.filter((r) => r.state === 'pending')
  const inputs = inputStates(store, runId, pending)
  let slots: Slots | undefined
  for (const r of rows) {
    if (r.state === 'retrying') out.set(r.name, {kind: 'backoff', text: `a retry's backoff (attempt ${r.attempt} failed)`})
    else if (r.state === 'pending') out.set(r.name, inputsReason(r, inputs))
    else out.set(r.name, (slots ??= new Slots(store, runId)).reason(r.task))
  }
  return out
}

function rowsNamed(store: Store, runId: string, names: readonly string[]): Row[] {
  const rows: Row[] = []
  for (let k = 0; k < names.length; k += CHUNK) {
    const part = names.slice(k, k + CHUNK)
    for (const row of store.db.prepare(`SELECT name, task, state, attempt, deps FROM instances WHERE run_id = ? AND name IN (${part.map(() => '?').join(', ')})`).all(runId, ...part) as Row[]) rows.push(row)
  }
  return rows
}

/** idx → name and state, for the inputs of `pending` */
function inputStates(store: Store, runId: string, pending: readonly Row[]): Map<number, {name: string; state: string}> {
  const wanted = new Set<number>()
  for (const r of pending) for (const d of parseDeps(r.deps)) wanted.add(d)
  const out = new Map<number, {name: string; state: string}>()
  const idxs = [...wanted]
  for (let k = 0; k < idxs.length; k += CHUNK) {
    const part = idxs.slice(k, k + CHUNK)
    // a row keeps the idx of the latest session it was in: the newest session wins
    const rows = store.db.prepare(`SELECT idx, name, state FROM instances WHERE run_id = ? AND idx IN (${part.map(() => '?').join(', ')}) ORDER BY session`).all(runId, ...part) as {
      idx: number
      name: string
      state: string
    }[]
    for (const r of rows) out.set(Number(r.idx), {name: r.name, state: r.state})
  }
  return out
}

function parseDeps(deps: string | null): number[] {
  return deps ? (JSON.parse(deps) as number[]) : []
}

const FINISHED = new Set(['succeeded', 'cached'])

function inputsReason(r: Row, inputs: Map<number, {name: string; state: string}>): WaitReason {
  const open = parseDeps(r.deps)
    .map((d) => inputs.get(d))
    .filter((i): i is {name: string; state: string} => i !== undefined && !FINISHED.has(i.state))
  if (open.length === 0) return {kind: 'inputs', text: 'its inputs'}
  const shown = open.slice(0, SHOWN_INPUTS).map((i) => `${i.name} (${i.state})`)
  if (open.length > SHOWN_INPUTS) shown.push(`${open.length - SHOWN_INPUTS} more`)
  return {kind: 'inputs', text: `inputs: ${shown.join(', ')}`}
}

/** the run's capacity against what its running instances hold, per task's demand */
class Slots {
  private readonly capacity: Record<string, number>
  private readonly tasks: Readonly<Record<string, TaskInfo>> | null
  private readonly cluster: boolean
  private readonly store: Store
  private used: Record<string, number> | null = null
  private workersAlive: number | null = null

  constructor(store: Store, private readonly runId: string) {
    this.store = store
    const run = store.db.prepare('SELECT capacity, meta, session FROM runs WHERE id = ?').get(runId) as {capacity: string | null; meta: string | null; session: number}
    this.capacity = run.capacity ? (JSON.parse(run.capacity) as Record<string, number>) : {}
    this.cluster = parseMeta(run.meta)?.cluster === true
    this.tasks = storedTasks(store, runId, Number(run.session))
  }

  private demand(task: string): Demand | null {
    const info = this.tasks?.[task]
    if (!info) return null
    return {cpu: info.numCpus ?? 1, ...info.resources}
  }

  reason(task: string): WaitReason {
    const want = this.demand(task)
    if (want === null) return {kind: 'slot', text: 'a CPU or resource slot, or a worker'}
    const used = (this.used ??= this.inUse())
    for (const [name, n] of Object.entries(want)) {
      const cap = this.capacity[name] ?? 0
      if (n > 0 && (used[name] ?? 0) + n > cap + 1e-9) {
        const what = name === 'cpu' ? 'a CPU slot' : `a ${name} slot`
        return {kind: 'slot', text: `${what} (${round(used[name] ?? 0)} of ${round(cap)} in use, it needs ${round(n)})`}
      }
    }
    if (this.cluster) return {kind: 'cluster-worker', text: 'a free worker of the cluster (queued in Redis)'}
    this.workersAlive ??= Number((this.store.db.prepare('SELECT COUNT(*) AS n FROM workers WHERE run_id = ? AND alive = 1').get(this.runId) as {n: number}).n)
    return this.workersAlive === 0 ? {kind: 'worker-starting', text: 'a worker starting'} : {kind: 'worker', text: 'a worker (starting, or finishing its earlier jobs)'}
  }

  /** the slots the running instances hold: one row per task */
  private inUse(): Record<string, number> {
    const used: Record<string, number> = {}
    const rows = this.store.db.prepare("SELECT task, COUNT(*) AS n FROM instances WHERE run_id = ? AND state = 'running' GROUP BY task").all(this.runId) as {task: string; n: number}[]
    for (const r of rows) {
      for (const [name, k] of Object.entries(this.demand(r.task) ?? {})) used[name] = (used[name] ?? 0) + k * Number(r.n)
    }
    return used
  }
}

const round = (n: number): string => String(Math.round(n * 100) / 100)

/** what each task's instances need, from the latest session's stored run-start */
function storedTasks(store: Store, runId: string, session: number): Readonly<Record<string, TaskInfo>> | null {
  const r = store.db.prepare("SELECT json_extract(json, '$[0].tasks') AS tasks FROM events WHERE run_id = ? AND session = ? AND json_valid(json) ORDER BY seq LIMIT 1").get(runId, session) as
    | {tasks: string | null}
    | undefined
  if (!r?.tasks) return null
  return JSON.parse(r.tasks) as Record<string, TaskInfo>
}

