// What a task holds while it runs, and whether the cluster's workers can hold it.
import type {CompiledGraph, TaskOptions, TaskSpec} from '../graph/model.js'
import {demandOf, ResourcePool, type Demand} from '../scheduler/resources.js'
import type {CodeSource} from './code-files.js'
import type {WorkerInfo} from './registry.js'
import {dict} from '../core/dict.js'

export interface Needs {
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
}

export function needsOf(task: Pick<TaskSpec, 'options'>): Needs {
  return {numCpus: task.options.numCpus, resources: task.options.resources}
}

export function demandOfNeeds(needs: Needs): Demand {
  const options: Pick<TaskOptions, 'numCpus' | 'resources'> = needs
  return demandOf(options as TaskOptions) // demandOf reads only these two fields
}

/** the task of an instance name (`ID` or `ID[3]`) */
export function taskOfName(graph: CompiledGraph, name: string): TaskSpec | undefined {
  return graph.taskById.get(name.replace(/\[\d+\]$/, ''))
}

/** one line per task that no live worker could ever run */
export function clusterFitProblems(graph: CodeSource, workers: readonly WorkerInfo[]): string[] {
  const pools = workers.map((w) => new ResourcePool(w.capacity))
  const problems: string[] = []
  for (const task of graph.tasks) {
    const demand = demandOfNeeds(needsOf(task))
    if (pools.some((p) => p.neverFits(demand) === null)) continue
    const why = pools.length > 0 ? pools[0]!.neverFits(demand) : 'no live workers'
    problems.push(`task ${task.id} fits no live worker of the cluster (on ${workers[0]?.name ?? '-'}: ${why})`)
  }
  return problems
}

/** the sum of the live workers' capacities */
export function clusterCapacity(workers: readonly WorkerInfo[]): Record<string, number> {
  const total = dict<number>()
  total.cpu = 0
  for (const w of workers) for (const [k, v] of Object.entries(w.capacity)) total[k] = (total[k] ?? 0) + v
  return total
}
