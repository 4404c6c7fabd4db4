// The task graph of a run, tasks rather than instances: a 100,000-way fan-out is one node.
// Read from the run's own events (run-start and expanded list every instance with its
// dependencies), so it shows what ran even when the graph file has changed since.
//
// Only the event rows holding a run-start or an expansion are read and parsed (SQLite's
// instr() picks them), and what was read is kept per run session, so a later call reads
// only the rows written since. Measured on a 100,000-instance run (142 event rows, 25 MB,
// load ~11): reading and parsing every row took 1.2–2.2 s of the server's one thread per
// call; the picked rows ~0.2 s once, then ~1 ms a call.
import type {Store} from '../store/db.js'
import {decodeEventRow} from '../store/event-block.js'
import type {InstanceInfo, RunEvent} from '../runtime/events.js'

export interface TaskGraph {
  /** in order of first appearance */
  readonly tasks: readonly string[]
  /** [from, to] task names, each pair once */
  readonly edges: readonly (readonly [string, string])[]
}

type Row = Record<string, unknown>

/** The graph being read: what has been seen up to `lastSeq`. */
class Reading {
  lastSeq = -1
  private readonly taskOf = new Map<number, string>()
  private readonly seenTask = new Set<string>()
  private readonly edgeKeys = new Set<string>()
  readonly tasks: string[] = []
  readonly edges: [string, string][] = []

  add(list: readonly InstanceInfo[]): void {
    for (const i of list) {
      this.taskOf.set(i.idx, i.task)
      if (!this.seenTask.has(i.task)) {
        this.seenTask.add(i.task)
        this.tasks.push(i.task)
      }
    }
    for (const i of list) {
      for (const d of i.deps ?? []) {
        const from = this.taskOf.get(d)
        if (from === undefined || from === i.task) continue
        const key = `${from}\u0000${i.task}`
        if (this.edgeKeys.has(key)) continue
        this.edgeKeys.add(key)
        this.edges.push([from, i.task])
      }
    }
  }

  graph(): TaskGraph {
    return {tasks: [...this.tasks], edges: [...this.edges]}
  }
}

const PICK = `SELECT seq, json FROM events WHERE run_id = ? AND session = ? AND seq > ?
  AND (instr(json, '"run-start"') > 0 OR instr(json, '"expanded"') > 0) ORDER BY seq`

function readMore(store: Store, runId: string, session: number, r: Reading): void {
  const last = store.db.prepare('SELECT MAX(seq) AS s FROM events WHERE run_id = ? AND session = ?').get(runId, session) as Row
  const maxSeq = last.s === null ? -1 : Number(last.s)
  if (maxSeq <= r.lastSeq) return
  for (const row of store.db.prepare(PICK).iterate(runId, session, r.lastSeq) as IterableIterator<Row>) {
    const block: RunEvent[] = []
    decodeEventRow(String(row.json), block)
    for (const e of block) if (e.type === 'run-start' || e.type === 'expanded') r.add(e.instances)
  }
  r.lastSeq = maxSeq
}

function sessionOf(store: Store, runId: string): number | null {
  const r = store.db.prepare('SELECT session FROM runs WHERE id = ?').get(runId) as Row | undefined
  return r ? Number(r.session) : null
}

/** Read from scratch, every time: the slow path (tests compare the cache with it). */
export function taskGraph(store: Store, runId: string): TaskGraph {
  const session = sessionOf(store, runId)
  const r = new Reading()
  if (session !== null) readMore(store, runId, session, r)
  return r.graph()
}

/** Task graphs of the last few runs asked for, each read on from where it stopped. */
export class TaskGraphCache {
  private readonly readings = new Map<string, Reading>()

  constructor(private readonly maxRuns = 4) {}

  get(store: Store, runId: string): TaskGraph {
    const session = sessionOf(store, runId)
    if (session === null) return {tasks: [], edges: []}
    const key = `${runId}\u0000${session}`
    let r = this.readings.get(key)
    if (r) this.readings.delete(key)
    else r = new Reading()
    this.readings.set(key, r) // most recent last
    while (this.readings.size > this.maxRuns) this.readings.delete(this.readings.keys().next().value!)
    readMore(store, runId, session, r)
    return r.graph()
  }
}
