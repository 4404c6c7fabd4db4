import type {CompiledGraph, InstanceSpec, PathPart} from '../model.js'
import {IndexExpr, ItemExpr, RefExpr, SubExpr} from '../model.js'

/** What a node shows under its name: the function, or the command. */
export function what(inst: InstanceSpec): string {
  const t = inst.task
  if (t.fn) return `${t.fn.name}()`
  if (t.cmd?.kind === 'shell') return `sh: ${truncate(t.cmd.script)}`
  if (t.cmd?.kind === 'argv') return truncate(t.cmd.argv.map((a) => (typeof a === 'string' ? a : templateText(a))).join(' '))
  return ''
}

function truncate(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s
}

function pathText(path: readonly PathPart[]): string {
  return path.map((p) => `.${p}`).join('')
}

/** `ID`, `ID.2`, `ID.2.x`: how a ref is written. */
function refText(r: RefExpr): string {
  return `${r.task}${r.instance === null ? '' : `.${r.instance}`}${pathText(r.path)}`
}

/** An argv element as a node label shows it: results as <ID.path>. */
function templateText(v: unknown): string {
  if (v instanceof RefExpr) return `<${refText(v)}>`
  if (v instanceof ItemExpr) return `<item${pathText(v.path)}>`
  if (v instanceof IndexExpr) return '<index>'
  if (v instanceof SubExpr) return v.parts.map((p) => (typeof p === 'string' ? p : `<${refText(p)}>`)).join('')
  return JSON.stringify(templateToJson(v))
}

/** A template as JSON: expressions become `{"!ref": "id.2"}`, `{"!item": "x"}`, `{"!index": ""}`, `{"!sub": [...]}`. */
export function templateToJson(v: unknown): unknown {
  if (v instanceof RefExpr) return {'!ref': refText(v)}
  if (v instanceof ItemExpr) return {'!item': pathText(v.path).slice(1)}
  if (v instanceof IndexExpr) return {'!index': ''}
  if (v instanceof SubExpr) return {'!sub': v.parts.map((p) => (typeof p === 'string' ? p : {'!ref': refText(p)}))}
  if (Array.isArray(v)) return v.map(templateToJson)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, templateToJson(x)]))
  return v
}

/** Instances as drawn: a dynamic marker stands for all the instances made at run time. */
export function nodeName(inst: InstanceSpec): string {
  return inst.marker ? `${inst.name}[*]` : inst.name
}

export function edges(graph: CompiledGraph): [number, number][] {
  const out: [number, number][] = []
  for (const inst of graph.instances) for (const d of inst.deps) out.push([d, inst.idx])
  return out
}
