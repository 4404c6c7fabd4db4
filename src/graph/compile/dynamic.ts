import type {CompiledGraph, InstanceSpec} from '../model.js'

const MAX_DYNAMIC_INSTANCES = 1_000_000

/**
 * The instances of a dynamic fan-out, made when its source finishes: one per element of
 * the source's list, `ID[i]`, depending on what the marker depends on. `firstIdx` is the
 * run's next free instance index.
 */
export function makeDynamicInstances(
  graph: CompiledGraph,
  marker: InstanceSpec,
  sourceValue: unknown,
  firstIdx: number,
): {ok: true; instances: InstanceSpec[]} | {ok: false; message: string} {
  const task = marker.task
  if (!marker.marker || task.fanout.kind !== 'dynamic') {
    return {ok: false, message: `${marker.name} is not a dynamic fan-out`}
  }
  if (graph.taskById.get(task.id) !== task) return {ok: false, message: `${marker.name} is not a task of graph ${graph.name}`}
  let items: readonly unknown[]
  if (Array.isArray(sourceValue)) items = sourceValue
  else if (ArrayBuffer.isView(sourceValue) && !(sourceValue instanceof DataView)) items = Array.from(sourceValue as unknown as ArrayLike<unknown>)
  else {
    const what = sourceValue === null ? 'null' : Array.isArray(sourceValue) ? 'a list' : typeof sourceValue === 'object' ? (sourceValue.constructor?.name ?? 'an object') : typeof sourceValue
    return {ok: false, message: `foreach of ${task.id}: ${task.fanout.source.task} must return a list to fan out over, not ${what}`}
  }
  if (items.length > MAX_DYNAMIC_INSTANCES) {
    return {ok: false, message: `foreach of ${task.id}: ${items.length} items is more than the limit of ${MAX_DYNAMIC_INSTANCES}`}
  }
  const instances = items.map(
    (item, i): InstanceSpec => ({idx: firstIdx + i, task, index: i, name: `${task.id}[${i}]`, deps: marker.deps, item, marker: false}),
  )
  return {ok: true, instances}
}
