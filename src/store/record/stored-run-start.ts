// The run-start event as stored. In memory it describes every instance (100,000 instances:
// ~10.6 MB of JSON, 150–315 ms to insert as one event row); the stored event keeps only their
// count and, once per task, what every instance of it shares. Each one's name, idx, task,
// foreach index and deps are in its events row's `defs` as columns (instance-defs.ts); in a
// store of before version 7, in the instance rows written with it (instancesFromRows).
// Stores written before this hold run-starts with their instances, read as they are.
import type Database from 'better-sqlite3'
import type {EventOf, InstanceInfo} from '../../core/events.js'
import {dict} from '../../core/dict.js'
import {decodeDefs, type InstanceDef} from './instance-defs.js'

type RunStart = EventOf<'run-start'>

/** what every instance of one task shares (the runtime takes these from the task) */
export type TaskInfo = Pick<InstanceInfo, 'numCpus' | 'resources' | 'maxRetries' | 'kind' | 'what' | 'maxCalls'>

export interface StoredRunStart extends Omit<RunStart, 'instances'> {
  /** the run-start's instances are the rows with idx 0 .. instanceRows-1 */
  readonly instanceRows: number
  /** task id → what its instances share */
  readonly tasks: Readonly<Record<string, TaskInfo>>
}

export function toStoredRunStart(e: RunStart): StoredRunStart {
  const {instances, ...rest} = e
  const tasks = dict<TaskInfo>()
  for (const i of instances) {
    if (Object.hasOwn(tasks, i.task)) continue
    tasks[i.task] = {numCpus: i.numCpus, resources: i.resources, maxRetries: i.maxRetries, kind: i.kind, what: i.what, maxCalls: i.maxCalls}
  }
  return {...rest, instanceRows: instances.length, tasks}
}

/** a stored run-start without its instances (one from an older store holds them) */
export function isStoredRunStart(x: unknown): x is StoredRunStart {
  const o = x as {type?: unknown; instances?: unknown}
  return o.type === 'run-start' && o.instances === undefined
}

type Row = [idx: number, name: string, task: string, findex: number | null, deps: string | null, session: number]

/**
 * The run-start's instances from the instance rows. A row is keyed by name and holds the
 * latest session's idx: when a resume's graph differs, the latest session's row wins.
 */
function instancesFromRows(db: Database.Database, runId: string, s: StoredRunStart): InstanceInfo[] {
  // Handing rows to JS is most of the cost: 100,000 rows took 0.6–1.6 s at load ~14 (the scan alone 30–90 ms),
  // about what parsing the 15 MB run-start of older stores took (and that row was read whole to be found).
  const rows = db.prepare('SELECT idx, name, task, findex, deps, session FROM instances WHERE run_id = ? AND idx < ?').raw().all(runId, s.instanceRows) as Row[]
  const byIdx: (InstanceInfo | undefined)[] = new Array(s.instanceRows)
  const sessionOf: number[] = new Array(s.instanceRows)
  for (const [idx, name, task, findex, deps, session] of rows) {
    if (byIdx[idx] !== undefined && sessionOf[idx]! > session) continue
    sessionOf[idx] = session
    byIdx[idx] = {idx, name, task, index: findex, deps: deps === null ? [] : (JSON.parse(deps) as number[]), ...s.tasks[task]}
  }
  return byIdx.filter((i): i is InstanceInfo => i !== undefined)
}

/** the run-start as it was emitted, its instances read from the rows (a store of before version 7) */
function restoreRunStart(db: Database.Database, runId: string, s: StoredRunStart): RunStart {
  return runStartOf(s, instancesFromRows(db, runId, s))
}

/** the run-start as it was emitted, its instances from its events row's defs (instance-defs.ts) */
function withInstances(s: StoredRunStart, defs: readonly InstanceDef[]): RunStart {
  return runStartOf(
    s,
    defs.map((d) => ({idx: d.idx, name: d.name, task: d.task, index: d.index, deps: d.deps ?? [], ...s.tasks[d.task]})),
  )
}

/** how the run-start of an events row holding `defs` is put back: from them, or (a row of before version 7) from the instance rows */
export function runStartReader(db: Database.Database, runId: string, defs: unknown): (s: StoredRunStart) => RunStart {
  return (s) => (typeof defs === 'string' ? withInstances(s, decodeDefs(defs)) : restoreRunStart(db, runId, s))
}

function runStartOf(s: StoredRunStart, instances: InstanceInfo[]): RunStart {
  return {type: 'run-start', t: s.t, wallMs: s.wallMs, runId: s.runId, graph: s.graph, file: s.file, capacity: s.capacity, instances, outputs: s.outputs}
}
