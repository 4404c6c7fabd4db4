// Walks of user values (results, arguments, `put` values) that never recurse: an explicit
// stack and a visited set, so a cycle or a shared part is looked into once, and a value
// nested 100,000 levels deep costs no call stack. Children come in the order v8's serializer
// writes them, so the depth seen here is the depth structured clone sees.

/**
 * How deep a value may nest (arrays, objects, Maps, Sets) to cross between processes. v8's
 * deserializer runs out of stack at about 1,900 levels of objects (3,200 of arrays), and
 * when that happens in Node's IPC channel it is an uncaught error in the receiving process.
 */
export const MAX_VALUE_DEPTH = 1000

/** what a walk's visitor says about a part: look inside it, not, or stop the whole walk */
export const DESCEND = 0
export const SKIP = 1
export const STOP = 2
export type Step = typeof DESCEND | typeof SKIP | typeof STOP

/**
 * A part of a value: an object (arrays, Maps... included), a function or a symbol. `depth`
 * is 1 for the value itself. Called once for every place a part sits (a part held twice is
 * visited twice) but looked into once.
 */
export type Visitor = (part: object | symbol, depth: number, holder: object | null) => Step

/** leaves of structured clone: held whole, nothing inside to walk */
export function opaque(v: object): boolean {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof RegExp || v instanceof Error || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)
}

function isPart(v: unknown): v is object | symbol {
  return (typeof v === 'object' && v !== null) || typeof v === 'function' || typeof v === 'symbol'
}

/**
 * Push `o`'s children that are parts, last first (so the first is taken first, in the
 * serializer's order): elements, Map keys and values, Set values, own enumerable properties.
 */
function pushChildren(o: object, depth: number, parts: (object | symbol)[], depths: number[], holders: object[]): void {
  const push = (v: unknown): void => {
    if (isPart(v)) {
      parts.push(v)
      depths.push(depth)
      holders.push(o)
    }
  }
  if (Array.isArray(o)) {
    for (let i = o.length - 1; i >= 0; i--) push(o[i])
    return
  }
  let values: unknown[]
  if (o instanceof Map) {
    values = []
    for (const [k, v] of o) values.push(k, v)
  } else if (o instanceof Set) values = [...o]
  else values = Object.values(o)
  for (let i = values.length - 1; i >= 0; i--) push(values[i])
}

/** Visit the parts of `value` depth-first (see Visitor). */
export function walkValue(value: unknown, visit: Visitor): void {
  if (!isPart(value)) return
  const seen = new Set<object>()
  const parts: (object | symbol)[] = [value]
  const depths: number[] = [1]
  const holders: (object | null)[] = [null]
  while (parts.length > 0) {
    const part = parts.pop()!
    const depth = depths.pop()!
    const step = visit(part, depth, holders.pop()!)
    if (step === STOP) return
    if (step === SKIP || typeof part !== 'object' || seen.has(part) || opaque(part)) continue
    seen.add(part)
    pushChildren(part, depth + 1, parts, depths, holders as object[])
  }
}

/**
 * Whether `value` nests more than `limit` levels deep (a primitive is 0 levels, `[]` 1).
 * On every result a worker sends, so it is walkValue made lean: no visitor, arrays read in
 * place, and a part remembered only when it holds parts (a cycle needs one).
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (!isObject(value)) return false
  const seen = new Set<object>()
  const parts: object[] = [value]
  const depths: number[] = [1]
  const values: unknown[] = [] // one part's children, reused
  const push = (v: unknown, depth: number): void => {
    if (typeof v === 'object' && v !== null) {
      parts.push(v)
      depths.push(depth)
    }
  }
  while (parts.length > 0) {
    const part = parts.pop()!
    const depth = depths.pop()!
    if (depth > limit) return true
    if (seen.has(part)) continue
    const before = parts.length
    if (Array.isArray(part)) {
      for (let i = part.length - 1; i >= 0; i--) push(part[i], depth + 1)
    } else if (!opaque(part)) {
      if (Object.getPrototypeOf(part) === Object.prototype) for (const k in part) values.push((part as Record<string, unknown>)[k])
      else if (part instanceof Map) for (const [k, v] of part) values.push(k, v)
      else if (part instanceof Set) for (const v of part) values.push(v)
      else for (const v of Object.values(part)) values.push(v)
      for (let i = values.length - 1; i >= 0; i--) push(values[i], depth + 1)
      values.length = 0
    }
    if (parts.length > before) seen.add(part)
  }
  return false
}

/** the message for a value nested too deep, after `what` ("result of a") */
export function tooDeepMessage(what: string): string {
  return `${what} nests more than ${MAX_VALUE_DEPTH} levels deep (arrays, objects, Maps, Sets); a value that crosses between processes may nest at most ${MAX_VALUE_DEPTH}`
}

/** What in `value` structured clone refuses, in words (`a function`), or null. */
export function uncloneablePart(value: unknown): string | null {
  let found: string | null = null
  walkValue(value, (part) => {
    found = refusedPart(part)
    return found === null ? DESCEND : STOP
  })
  return found
}

/** what structured clone refuses in `part` itself (not looking inside it), or null */
export function refusedPart(part: object | symbol): string | null {
  if (typeof part === 'function') return 'a function'
  if (typeof part === 'symbol') return 'a symbol'
  if (part instanceof Promise) return 'a Promise'
  if (part instanceof WeakMap) return 'a WeakMap'
  if (part instanceof WeakSet) return 'a WeakSet'
  if (part instanceof WeakRef) return 'a WeakRef'
  return null
}

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/**
 * `value` with every part for which `isLeaf` holds replaced by `f(part)`, looking inside
 * arrays and plain objects only. A container with no leaf inside stays the same object (so
 * a value with no leaf comes back as it is); the others are copied once each, so that
 * shared parts stay shared and cycles stay cycles, as structured clone keeps them. A leaf
 * held twice is mapped once.
 */
export function mapLeaves(value: unknown, isLeaf: (part: object) => boolean, f: (leaf: object) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (isLeaf(value)) return f(value)
  if (!isPlain(value)) return value
  const mapped = new Map<object, unknown>()
  const leafValue = (leaf: object): unknown => {
    if (!mapped.has(leaf)) mapped.set(leaf, f(leaf))
    return mapped.get(leaf)
  }
  // the usual case: leaves and primitives right inside the value, no container below it
  const flat = shallow(value, isLeaf)
  if (flat === 'none') return value
  if (flat === 'leaves') return copyOf(value, (v) => (isObject(v) && isLeaf(v) ? leafValue(v) : v))
  return mapGraph(value, isLeaf, leafValue)
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null
}

/** what sits right inside a container: nothing to map, leaves only, or containers too */
function shallow(o: object, isLeaf: (part: object) => boolean): 'none' | 'leaves' | 'deep' {
  let leaves = false
  for (const v of valuesOf(o)) {
    if (!isObject(v)) continue
    if (isLeaf(v)) leaves = true
    else if (isPlain(v)) return 'deep'
  }
  return leaves ? 'leaves' : 'none'
}

function valuesOf(o: object): unknown[] {
  return Array.isArray(o) ? o : Object.values(o)
}

/** a shallow copy of an array or plain object (its prototype kept), each value through `f` */
function copyOf(o: object, f: (v: unknown) => unknown): object {
  if (Array.isArray(o)) {
    const out = o.slice()
    for (let i = 0; i < out.length; i++) if (i in out) out[i] = f(out[i])
    return out
  }
  const out = Object.create(Object.getPrototypeOf(o) as object | null) as Record<string, unknown>
  for (const k of Object.keys(o)) setOwn(out, k, f((o as Record<string, unknown>)[k]))
  return out
}

/** `o[k] = v` that defines a key `__proto__` instead of setting the prototype */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, {value: v, enumerable: true, writable: true, configurable: true})
  else o[k] = v
}

function mapGraph(root: object, isLeaf: (part: object) => boolean, leafValue: (leaf: object) => unknown): unknown {
  // every container reachable through containers, and which of them hold a leaf
  const order: object[] = [root]
  const seen = new Set<object>(order)
  const holders = new Map<object, object[]>()
  const dirty = new Set<object>()
  const todo: object[] = []
  for (let i = 0; i < order.length; i++) {
    const c = order[i]!
    for (const v of valuesOf(c)) {
      if (!isObject(v)) continue
      if (isLeaf(v)) {
        if (!dirty.has(c)) {
          dirty.add(c)
          todo.push(c)
        }
      } else if (isPlain(v)) {
        let hs = holders.get(v)
        if (!hs) holders.set(v, (hs = []))
        hs.push(c)
        if (!seen.has(v)) {
          seen.add(v)
          order.push(v)
        }
      }
    }
  }
  if (todo.length === 0) return root
  // a container is copied when a leaf is below it: its holders, up to the root
  while (todo.length > 0) {
    for (const h of holders.get(todo.pop()!) ?? []) {
      if (dirty.has(h)) continue
      dirty.add(h)
      todo.push(h)
    }
  }
  const copies = new Map<object, object>()
  for (const c of dirty) copies.set(c, Array.isArray(c) ? new Array(c.length) : (Object.create(Object.getPrototypeOf(c) as object | null) as object))
  for (const [c, copy] of copies) {
    const f = (v: unknown): unknown => (isObject(v) ? (isLeaf(v) ? leafValue(v) : (copies.get(v) ?? v)) : v)
    if (Array.isArray(c)) {
      const out = copy as unknown[]
      for (let i = 0; i < c.length; i++) if (i in c) out[i] = f(c[i])
    } else {
      for (const k of Object.keys(c)) setOwn(copy as Record<string, unknown>, k, f((c as Record<string, unknown>)[k]))
    }
  }
  return copies.get(root)
}
