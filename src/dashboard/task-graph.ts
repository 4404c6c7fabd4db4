// The task graph of a run, tasks rather than instances: a 100,000-way fan-out is one node.
// Read from the run's own events (run-start and expanded list every instance with its
// dependencies), so it shows what ran even when the graph file has changed since.
import type {Store} from '../store/db.js'
import {forEachEvent} from './queries.js'

export interface TaskGraph {
  /** in order of first appearance */
  readonly tasks: readonly string[]
  /** [from, to] task names, each pair once */
  readonly edges: readonly (readonly [string, string])[]
}

export function taskGraph(store: Store, runId: string): TaskGraph {
  const taskOf = new Map<number, string>()
  const tasks: string[] = []
  const seenTask = new Set<string>()
  const edgeKeys = new Set<string>()
  const edges: [string, string][] = []
  const pending: {task: string; deps: readonly number[]}[] = []
  const add = (list: readonly {idx: number; task: string; deps?: readonly number[]}[]): void => {
    for (const i of list) {
      taskOf.set(i.idx, i.task)
      if (!seenTask.has(i.task)) {
        seenTask.add(i.task)
        tasks.push(i.task)
      }
      if (i.deps && i.deps.length > 0) pending.push({task: i.task, deps: i.deps})
    }
  }
  forEachEvent(store, runId, (e) => {
    if (e.type === 'run-start') add(e.instances)
    else if (e.type === 'expanded') add(e.instances)
  })
  for (const p of pending) {
    for (const d of p.deps) {
      const from = taskOf.get(d)
      if (from === undefined || from === p.task) continue
      const key = `${from}\u0000${p.task}`
      if (edgeKeys.has(key)) continue
      edgeKeys.add(key)
      edges.push([from, p.task])
    }
  }
  return {tasks, edges}
}
