import type {CompiledGraph, TaskSpec} from '../model.js'
import {templateToJson} from './describe.js'

function taskJson(t: TaskSpec): unknown {
  return {
    id: t.id,
    kind: t.kind,
    fn: t.fn,
    cmd: t.cmd === null ? null : t.cmd.kind === 'shell' ? {shell: t.cmd.script} : {argv: templateToJson(t.cmd.argv)},
    args: templateToJson(t.args),
    stdin: t.stdin === undefined ? undefined : templateToJson(t.stdin),
    output: t.output,
    env: templateToJson(t.env),
    cwd: t.cwd,
    options: t.options,
    fanout:
      t.fanout.kind === 'items'
        ? {kind: 'items', count: t.fanout.items.length}
        : t.fanout.kind === 'zip'
          ? {kind: 'zip', source: t.fanout.source}
          : t.fanout.kind === 'dynamic'
            ? {kind: 'dynamic', source: templateToJson(t.fanout.source)}
            : {kind: 'none'},
    after: t.after,
    deps: t.deps,
    instances: t.instances,
    line: t.pos.line,
  }
}

/** The compiled graph as plain JSON: tasks with resolved options, instances, edges, order. */
function toJsonGraph(graph: CompiledGraph): unknown {
  return {
    name: graph.name,
    description: graph.description,
    file: graph.file,
    outputs: graph.outputs,
    tasks: graph.tasks.map(taskJson),
    instances: graph.instances.map((i) => ({
      idx: i.idx,
      name: i.name,
      task: i.task.id,
      index: i.index,
      deps: i.deps,
      item: templateToJson(i.item),
      marker: i.marker,
    })),
    edges: graph.instances.flatMap((i) => i.deps.map((d) => [d, i.idx])),
    order: graph.order,
  }
}

export function toJsonText(graph: CompiledGraph): string {
  return JSON.stringify(toJsonGraph(graph), null, 2) + '\n'
}
