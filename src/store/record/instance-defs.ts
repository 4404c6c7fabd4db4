// A run-start's instances as the events row stores them (`events.defs`): one JSON object of
// columns instead of an object per instance. A task id is written once, and the instances
// point at it by number; `idx` is left out when every instance's idx is its place in the list.
// 100,000 instances: one JSON.stringify of five arrays on the run's thread, where inserting
// their rows (what the writer did before version 7) took ~330 ms.
import type {InstanceInfo} from '../../core/events.js'

/** what an instance row is made from */
export interface InstanceDef {
  readonly idx: number
  readonly name: string
  readonly task: string
  readonly index: number | null
  readonly deps?: readonly number[]
}

interface StoredDefs {
  readonly tasks: string[]
  readonly names: string[]
  readonly task: number[]
  readonly index: (number | null)[]
  /** each instance's deps, 0 for none */
  readonly deps: (readonly number[] | 0)[]
  readonly idx?: number[]
}

export function encodeDefs(list: readonly InstanceInfo[]): string {
  const taskNo = new Map<string, number>()
  const tasks: string[] = []
  const n = list.length
  const names = new Array<string>(n)
  const task = new Array<number>(n)
  const index = new Array<number | null>(n)
  const deps = new Array<readonly number[] | 0>(n)
  let inOrder = true
  for (let k = 0; k < n; k++) {
    const i = list[k]!
    let t = taskNo.get(i.task)
    if (t === undefined) {
      t = tasks.length
      tasks.push(i.task)
      taskNo.set(i.task, t)
    }
    names[k] = i.name
    task[k] = t
    index[k] = i.index
    deps[k] = i.deps && i.deps.length > 0 ? i.deps : 0
    if (i.idx !== k) inOrder = false
  }
  const stored: StoredDefs = inOrder ? {tasks, names, task, index, deps} : {tasks, names, task, index, deps, idx: list.map((i) => i.idx)}
  return JSON.stringify(stored)
}

export function decodeDefs(json: string): InstanceDef[] {
  const s = JSON.parse(json) as StoredDefs
  const out = new Array<InstanceDef>(s.names.length)
  for (let k = 0; k < s.names.length; k++) {
    const deps = s.deps[k]
    out[k] = {idx: s.idx?.[k] ?? k, name: s.names[k]!, task: s.tasks[s.task[k]!]!, index: s.index[k] ?? null, deps: deps === 0 || deps === undefined ? undefined : deps}
  }
  return out
}
