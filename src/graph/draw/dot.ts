import type {CompiledGraph} from '../model.js'
import {edges, nodeName, what} from './describe.js'

/** A DOT string: quoted, with `"` and `\` escaped (names like `add[0]` need the quotes). */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/** The compiled DAG in Graphviz DOT: one node per instance, an edge from each dependency. */
export function toDot(graph: CompiledGraph): string {
  const lines = [`digraph ${q(graph.name)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];']
  const outputs = new Set(graph.outputs)
  for (const inst of graph.instances) {
    const attrs = [`label=${q(`${nodeName(inst)}\n${what(inst)}`)}`]
    const style = ['rounded']
    if (inst.marker) style.push('dashed')
    if (outputs.has(inst.task.id)) style.push('bold')
    attrs.push(`style=${q(style.join(','))}`)
    lines.push(`  ${q(nodeName(inst))} [${attrs.join(', ')}];`)
  }
  const byIdx = graph.instances
  for (const [from, to] of edges(graph)) lines.push(`  ${q(nodeName(byIdx[from]!))} -> ${q(nodeName(byIdx[to]!))};`)
  lines.push('}')
  return lines.join('\n') + '\n'
}
