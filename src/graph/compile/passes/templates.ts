// Pass C: values with tags become templates of expressions (RefExpr, ItemExpr, IndexExpr,
// SubExpr); refs are checked against the target task's fan-out and num_returns.
import {IndexExpr, ItemExpr, RefExpr, SubExpr, type PathPart, type Template} from '../../model.js'
import {parsePath, parseRefText, parseSubText, type RawRef} from '../refs.js'
import type {Tagged} from '../../read/tags.js'
import {mapTags} from '../templates.js'
import type {CompileContext} from './context.js'

export class TemplatePass {
  constructor(private readonly ctx: CompileContext) {}

  resolveRef(ref: RawRef, at: readonly PathPart[], text: string): RefExpr | null {
    const t = this.ctx.drafts.get(ref.task)!
    let path = ref.path
    let instance: number | null = null
    if (t.fan === 'items' || t.fan === 'zip') {
      if (path.length > 0) {
        const first = path[0]!
        if (typeof first !== 'number') {
          this.ctx.report(at, `${text}: ${t.id} fans out: refer to one instance (!ref ${t.id}.0) or to all (!ref ${t.id})`)
          return null
        }
        if (first >= t.count) {
          this.ctx.report(at, `${text}: instance ${first} is out of range: ${t.id} has ${t.count} instance${t.count === 1 ? '' : 's'}${t.count ? ` (0..${t.count - 1})` : ''}`)
          return null
        }
        instance = first
        path = path.slice(1)
      }
    } else if (t.fan === 'dynamic' && path.length > 0) {
      this.ctx.report(at, `${text}: ${t.id} fans out at run time, so its instances are not known yet: refer to all of it (!ref ${t.id})`)
      return null
    }
    if (t.numReturns > 1 && path.length > 0 && (instance !== null || t.fan === 'none')) {
      const part = path[0]!
      if (typeof part !== 'number' || part >= t.numReturns) {
        this.ctx.report(at, `${text}: ${t.id} has num_returns: ${t.numReturns}, so the part after it must be 0..${t.numReturns - 1}`)
        return null
      }
    }
    return new RefExpr(t.id, instance, path)
  }

  template(value: unknown, path: PathPart[]): Template {
    return mapTags(value, path, (t, at) => this.expr(t, at))
  }

  private expr(t: Tagged, at: readonly PathPart[]): Template {
    switch (t.tag) {
      case 'ref': {
        const ref = this.ctx.parseRef(t)
        return typeof ref === 'string' || !this.ctx.drafts.has(ref.task) ? null : this.resolveRef(ref, at, `${this.ctx.sigil}ref ${t.text}`)
      }
      case 'item': {
        const p = parsePath(t.text, false)
        return new ItemExpr(typeof p === 'string' ? [] : p)
      }
      case 'index':
        return new IndexExpr()
      case 'sub': {
        const parts = parseSubText(t.text)
        if (typeof parts === 'string') return null
        return new SubExpr(
          parts.map((p) => {
            if ('lit' in p) return p.lit
            const ref = parseRefText(p.ref)
            return (typeof ref !== 'string' && this.ctx.drafts.has(ref.task) && this.resolveRef(ref, at, `\${${p.ref}}`)) || ''
          }),
        )
      }
    }
  }
}
