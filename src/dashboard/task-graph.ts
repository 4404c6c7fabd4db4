// The task graph of a run, tasks rather than instances: a 100,000-way fan-out is one node.
// Read from the run's own events (run-start and expanded list every instance with its
// dependencies; a stored run-start gets them back from the instance rows), so it shows what
// ran even when the graph file has changed since.
//
// Only the event rows holding a run-start or an expansion are read and parsed (SQLite's
// instr() picks them), and what was read is kept per run session, so a later call reads
// only the rows written since. Measured on a 100,000-instance run (142 event rows, 25 MB,
// load ~11), when the run-start row still held every description: reading and parsing every
// row took 1.2–2.2 s of the server's one thread per call; the picked rows 0.6–1.1 s, once a
// session, then ~1 ms a call.
import type {Store} from '../store/db.js'
import type {InstanceInfo} from '../core/events.js'
import {instanceEventsAfter, lastEventSeq, latestSession} from './queries.js'

export interface TaskGraph {
  /** in order of first appearance */
  readonly tasks: readonly string[]
  /** [from, to] task names, each pair once */
  readonly edges: readonly (readonly [string, string])[]
}

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

function readMore(store: Store, runId: string, session: number, r: Reading): void {
  const maxSeq = lastEventSeq(store, runId, session)
  if (maxSeq <= r.lastSeq) return
  instanceEventsAfter(store, runId, session, r.lastSeq, (e) => r.add(e.instances))
  r.lastSeq = maxSeq
}

/** Read from scratch, every time: the slow path (tests compare the cache with it). */
export function taskGraph(store: Store, runId: string): TaskGraph {
  const session = latestSession(store, runId)
  const r = new Reading()
  if (session !== null) readMore(store, runId, session, r)
  return r.graph()
}

/** Task graphs of the last few runs asked for, each read on from where it stopped. */
export class TaskGraphCache {
  private readonly readings = new Map<string, Reading>()

  constructor(private readonly maxRuns = 4) {}

  get(store: Store, runId: string): TaskGraph {
    const session = latestSession(store, runId)
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
