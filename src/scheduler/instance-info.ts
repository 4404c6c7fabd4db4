// How an instance is announced on the event stream (run-start, expanded, added).
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import type {InstanceInfo} from '../core/events.js'

export function infoOf(spec: InstanceSpec): InstanceInfo {
  const task = spec.task
  return {
    idx: spec.idx,
    name: spec.name,
    task: task.id,
    index: spec.index,
    deps: spec.deps,
    numCpus: task.options.numCpus,
    resources: task.options.resources,
    maxRetries: task.options.maxRetries,
    kind: task.kind,
    what: task.fn ? task.fn.name : task.cmd?.kind === 'shell' ? task.cmd.script : describeArgv(task),
    maxCalls: task.options.maxCalls,
  }
}

function describeArgv(task: TaskSpec): string {
  const argv = task.cmd?.kind === 'argv' ? task.cmd.argv : []
  return argv.map((a) => (typeof a === 'string' ? a : '<ref>')).join(' ')
}
