// Pass B: cycles, then (in dependency order) each task's fan-out kind and instance count,
// and the outputs.
import {EMPTY, type CompileContext, type Draft} from './context.js'

export function reportCycles(ctx: CompileContext, cycles: string[][]): void {
  const fileOrder = new Map([...ctx.drafts.keys()].map((id, i) => [id, i]))
  const seen = new Set<string>()
  for (const c of cycles) {
    // as data flows: X -> Y when Y uses X; start at the task that comes first in the file
    const ring = c.slice(0, -1).reverse()
    let start = 0
    ring.forEach((id, i) => {
      if (fileOrder.get(id)! < fileOrder.get(ring[start]!)!) start = i
    })
    const rotated = [...ring.slice(start), ...ring.slice(0, start)]
    const key = [...rotated].sort().join(' ')
    if (seen.has(key)) continue
    seen.add(key)
    const first = rotated[0]!
    const prev = rotated[rotated.length - 1]!
    ctx.report(ctx.drafts.get(first)!.deps.get(prev)!, `cycle: ${[...rotated, first].join(' -> ')}`)
  }
}

export function fanOut(ctx: CompileContext, d: Draft): void {
  if (d.items) {
    d.fan = 'items'
    d.count = d.items.length
  } else if (d.foreachRef) {
    const src = ctx.drafts.get(d.foreachRef.ref.task)!
    if (d.foreachRef.ref.path.length === 0 && (src.fan === 'items' || src.fan === 'zip')) {
      d.fan = 'zip'
      d.count = src.count
    } else {
      d.fan = 'dynamic'
      d.count = 1
    }
  } else if (Object.hasOwn(d.raw, 'foreach')) {
    d.fan = 'items'
    d.items = EMPTY
    d.count = 0
  }
}

export function outputs(ctx: CompileContext): string[] {
  const ids = [...ctx.drafts.keys()]
  if (Array.isArray(ctx.root.outputs)) {
    const out: string[] = []
    ctx.root.outputs.forEach((o, i) => {
      if (typeof o !== 'string') return
      if (!ctx.drafts.has(o)) ctx.report(['outputs', i], `unknown task "${o}" in outputs${ctx.taskSuggestion(o)}`)
      else if (!out.includes(o)) out.push(o)
    })
    return out
  }
  const used = new Set<string>()
  for (const d of ctx.drafts.values()) for (const dep of d.deps.keys()) used.add(dep)
  return ids.filter((id) => !used.has(id))
}
