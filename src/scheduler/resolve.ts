// Turning value templates into concrete values once their dependencies have finished.
import {IndexExpr, ItemExpr, RefExpr, SubExpr, type Expr, type PathPart, type Template} from '../graph/model.js'
import {RaytsError} from '../core/errors.js'
import {DESCEND, mapLeaves, SKIP, STOP, walkValue} from '../core/value-walk.js'
import type {ObjectReads} from './object-reads.js'

export interface ResolveContext {
  /** the value of a ref's target (whole task, or one instance), before its path */
  refValue(ref: RefExpr): unknown
  /** the instance's foreach item template (already concrete, or a RefExpr for zip) */
  readonly item: Template
  readonly index: number | null
  /** reads the objects that references in results stand for */
  readonly objects: ObjectReads
}

export class ResolveError extends RaytsError {
  override name = 'ResolveError'
  override readonly code = 'RAYTS_ERR_RESOLVE'
}

const exprCache = new WeakMap<object, boolean>()

function isExpr(t: object): boolean {
  return t instanceof RefExpr || t instanceof ItemExpr || t instanceof IndexExpr || t instanceof SubExpr
}

/**
 * whether a template holds any expression (cached per object, so per task, not per
 * instance). A template may hold a library call's values (cyclic, deep): no recursion.
 */
export function hasExpr(t: Template): boolean {
  if (t === null || typeof t !== 'object') return false
  if (isExpr(t)) return true
  const cached = exprCache.get(t)
  if (cached !== undefined) return cached
  let found = false
  walkValue(t, (part) => {
    if (typeof part !== 'object') return SKIP
    if (isExpr(part)) {
      found = true
      return STOP
    }
    return Array.isArray(part) || isPlainObject(part) ? DESCEND : SKIP
  })
  exprCache.set(t, found)
  return found
}

export function resolve(t: Template, ctx: ResolveContext): unknown {
  if (!hasExpr(t)) return t
  return mapLeaves(t, isExpr, (e) => resolveExpr(e as Expr, ctx))
}

function resolveExpr(t: Expr, ctx: ResolveContext): unknown {
  if (t instanceof RefExpr) return followPath(ctx.refValue(t), t.path, describeRef(t), ctx.objects)
  if (t instanceof ItemExpr) {
    const item = resolve(ctx.item, ctx)
    return followPath(item, t.path, 'the foreach item', ctx.objects)
  }
  if (t instanceof IndexExpr) return ctx.index
  // a graph file's !sub: its parts are strings and expressions, no deeper
  return t.parts.map((p) => (typeof p === 'string' ? p : toText(resolve(p, ctx), ctx.objects))).join('')
}

/** how a value stands in text: strings as they are, everything else JSON-encoded */
export function toText(value: unknown, objects: ObjectReads): string {
  if (typeof value === 'string') return value
  value = objects.loadRefs(value) // text needs the value itself
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value)
  } catch (error) {
    // a cycle (TypeError), or nesting deeper than JSON.stringify's stack (RangeError)
    const message = (error as Error).message
    throw new ResolveError(`a value cannot be made text (JSON): ${/circular/i.test(message) ? 'it holds a cycle' : message}`)
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>)
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

function followPath(value: unknown, path: readonly PathPart[], what: string, objects: ObjectReads): unknown {
  let v = value
  for (const part of path) {
    // a path looks into a stored value: the runner reads it (the only copy it makes)
    v = objects.deref(v)
    if (v instanceof Map) v = v.get(part)
    else if (v !== null && typeof v === 'object' && part in (v as object)) v = (v as Record<string, unknown>)[part as string]
    else if (typeof v === 'string' && typeof part === 'number' && part < v.length) v = v[part]
    else throw new ResolveError(`${what}: no "${String(part)}" in ${describe(v)}`)
  }
  return v
}

function describeRef(r: RefExpr): string {
  return `!ref ${r.task}${r.instance === null ? '' : `[${r.instance}]`}${r.path.map((p) => `.${p}`).join('')}`
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `an array of ${v.length}`
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<number>).length}`
  return typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
