// Pass B: cycles, then (in dependency order) each task's fan-out kind and instance count,
// and the outputs.
import {EMPTY, type CompileContext, type Draft} from './context.js'

export function reportCycles(ctx: CompileContext, cycles: Draft[][]): void {
  const seen = new Set<string>()
  for (const c of cycles) {
    // as data flows: X -> Y when Y uses X; start at the task that comes first in the file
    const ring = c.slice(0, -1).reverse()
    let start = 0
    ring.forEach((d, i) => {
      if (d.ix < ring[start]!.ix) start = i
    })
    const rotated = [...ring.slice(start), ...ring.slice(0, start)].map((d) => d.id)
    const key = [...rotated].sort().join(' ')
    if (seen.has(key)) continue
    seen.add(key)
    const first = ring[start]!
    const prev = rotated[rotated.length - 1]!
    ctx.report(first.depAt[first.deps.indexOf(prev)]!, `cycle: ${[...rotated, first.id].join(' -> ')}`)
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
  if (Array.isArray(ctx.root.outputs)) {
    const out: string[] = []
    ctx.root.outputs.forEach((o, i) => {
      if (typeof o !== 'string') return
      if (!ctx.drafts.has(o)) ctx.report(['outputs', i], `unknown task "${o}" in outputs${ctx.taskSuggestion(o)}`)
      else if (!out.includes(o)) out.push(o)
    })
    return out
  }
  const used = new Uint8Array(ctx.drafts.size)
  for (const d of ctx.drafts.values()) {
    for (const dep of d.deps) {
      const t = ctx.drafts.get(dep)
      if (t !== undefined) used[t.ix] = 1
    }
  }
  const out: string[] = []
  for (const d of ctx.drafts.values()) if (used[d.ix] === 0) out.push(d.id)
  return out
}
