import type {CompiledGraph} from '../model.js'
import {edges, nodeName, what} from './describe.js'

/** Label text: `"`, `<` and `>` as Mermaid entities (labels are quoted, and HTML is sanitized). */
function esc(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')
}

/** The compiled DAG as a Mermaid flowchart (renders in GitHub markdown as it is). */
export function toMermaid(graph: CompiledGraph): string {
  const lines = ['flowchart LR']
  const outputs = new Set(graph.outputs)
  for (const inst of graph.instances) {
    // always quoted: names like `add[0]` hold brackets
    const text = `"${esc(nodeName(inst))}<br/>${esc(what(inst))}"`
    // n<idx> ids are always safe; dynamic markers are drawn as stadiums
    lines.push(inst.marker ? `  n${inst.idx}([${text}])` : `  n${inst.idx}[${text}]`)
  }
  for (const [from, to] of edges(graph)) lines.push(`  n${from} --> n${to}`)
  const outs = graph.instances.filter((i) => outputs.has(i.task.id)).map((i) => `n${i.idx}`)
  if (outs.length > 0) {
    lines.push('  classDef output stroke-width:3px')
    lines.push(`  class ${outs.join(',')} output`)
  }
  return lines.join('\n') + '\n'
}
