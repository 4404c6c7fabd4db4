// The task graph as an SVG picture: tasks in columns by depth (longest path from a root),
// edges as curves, each node filled by how many of its instances succeeded. Every text is
// escaped; the picture is an <img>, where no script runs anyway.
import type {Counts} from './queries.js'
import type {TaskGraph} from './task-graph.js'

const NODE_W = 170
const NODE_H = 44
const COL_GAP = 60
const ROW_GAP = 16
const PAD = 12

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

const clip = (s: string, n = 22): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** depth of each task: 0 for roots, else one more than its deepest dependency */
function depths(graph: TaskGraph): Map<string, number> {
  const preds = new Map<string, string[]>()
  for (const t of graph.tasks) preds.set(t, [])
  for (const [from, to] of graph.edges) preds.get(to)?.push(from)
  const depth = new Map<string, number>()
  const visiting = new Set<string>()
  const visit = (t: string): number => {
    const known = depth.get(t)
    if (known !== undefined) return known
    if (visiting.has(t)) return 0 // a cycle cannot happen in a DAG; stay finite anyway
    visiting.add(t)
    let d = 0
    for (const p of preds.get(t) ?? []) d = Math.max(d, visit(p) + 1)
    visiting.delete(t)
    depth.set(t, d)
    return d
  }
  for (const t of graph.tasks) visit(t)
  return depth
}

export function graphSvg(graph: TaskGraph, counts: ReadonlyMap<string, Counts>): string {
  const depth = depths(graph)
  const columns: string[][] = []
  for (const t of graph.tasks) (columns[depth.get(t) ?? 0] ??= []).push(t)
  const pos = new Map<string, {x: number; y: number}>()
  columns.forEach((col, c) => col.forEach((t, r) => pos.set(t, {x: PAD + c * (NODE_W + COL_GAP), y: PAD + r * (NODE_H + ROW_GAP)})))
  const rows = Math.max(1, ...columns.map((c) => c.length)) // eslint-disable-line no-restricted-syntax -- bounded: one number per column
  const width = PAD * 2 + Math.max(1, columns.length) * (NODE_W + COL_GAP) - COL_GAP
  const height = PAD * 2 + rows * (NODE_H + ROW_GAP) - ROW_GAP
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui,sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker></defs>',
  ]
  for (const [from, to] of graph.edges) {
    const a = pos.get(from)
    const b = pos.get(to)
    if (!a || !b) continue
    const x1 = a.x + NODE_W
    const y1 = a.y + NODE_H / 2
    const x2 = b.x
    const y2 = b.y + NODE_H / 2
    const mid = (x1 + x2) / 2
    out.push(`<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#78909c" stroke-width="1.3" marker-end="url(#arrow)"/>`)
  }
  for (const t of graph.tasks) {
    const p = pos.get(t)!
    const c = counts.get(t) ?? {}
    let total = 0
    for (const n of Object.values(c)) total += n
    const ok = (c.succeeded ?? 0) + (c.cached ?? 0)
    const bad = (c.failed ?? 0) + (c.lost ?? 0)
    const frac = total === 0 ? 0 : ok / total
    const stroke = bad > 0 ? '#e53935' : frac === 1 ? '#43a047' : '#90a4ae'
    out.push(`<g><title>${esc(`${t}: ${Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ') || 'no instances yet'}`)}</title>`)
    out.push(`<rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="#fff" stroke="${stroke}" stroke-width="1.5"/>`)
    out.push(`<rect x="${p.x + 1}" y="${p.y + NODE_H - 6}" width="${Math.round((NODE_W - 2) * frac)}" height="5" fill="#43a047"/>`)
    out.push(`<text x="${p.x + 8}" y="${p.y + 17}" font-weight="600" fill="#212121">${esc(clip(t))}</text>`)
    out.push(`<text x="${p.x + 8}" y="${p.y + 32}" fill="#616161">${esc(`${ok}/${total} done${bad > 0 ? `, ${bad} failed` : ''}`)}</text></g>`)
  }
  out.push('</svg>')
  return out.join('\n')
}
