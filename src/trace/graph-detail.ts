// What a compiled graph adds to a timeline: function and command names, dependency edges.
import type {CompiledGraph} from '../graph/model.js'
import type {GraphDetail} from './timeline-run.js'

export function graphDetail(graph: CompiledGraph): GraphDetail {
  const tasks = new Map<string, {kind: 'fn' | 'cmd'; fn?: string; cmd?: string}>()
  for (const t of graph.tasks) {
    if (t.kind === 'fn' && t.fn) tasks.set(t.id, {kind: 'fn', fn: t.fn.name})
    else if (t.cmd) tasks.set(t.id, {kind: 'cmd', cmd: t.cmd.kind === 'shell' ? t.cmd.script : t.cmd.argv.map(argText).join(' ')})
    else tasks.set(t.id, {kind: t.kind})
  }
  const deps = new Map<string, readonly string[]>()
  for (const i of graph.instances) deps.set(i.name, i.deps.map((d) => graph.instances[d]?.name ?? `#${d}`))
  return {tasks, deps}
}

const argText = (a: unknown): string => (typeof a === 'string' ? (/[\s"'$]/.test(a) ? JSON.stringify(a) : a) : '…')
