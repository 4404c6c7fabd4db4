// Why a value cannot cross to the parent by structured clone, in words for the user.
import {serialize} from 'node:v8'

/** null when the value clones; else what is wrong, e.g. `a function is not cloneable`. */
export function uncloneable(value: unknown): string | null {
  try {
    serialize(value)
    return null
  } catch (error) {
    const found = findUncloneable(value, new Set())
    if (found) return `${found} is not cloneable`
    return error instanceof Error ? error.message : String(error)
  }
}

function findUncloneable(value: unknown, seen: Set<object>): string | null {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value !== 'object' || value === null) return null
  if (seen.has(value)) return null
  seen.add(value)
  if (value instanceof Promise) return 'a Promise'
  if (value instanceof WeakMap) return 'a WeakMap'
  if (value instanceof WeakSet) return 'a WeakSet'
  if (value instanceof WeakRef) return 'a WeakRef'
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found = findUncloneable(k, seen) ?? findUncloneable(v, seen)
      if (found) return found
    }
    return null
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = findUncloneable(v, seen)
      if (found) return found
    }
    return null
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return null
  for (const key of Object.keys(value)) {
    const found = findUncloneable((value as Record<string, unknown>)[key], seen)
    if (found) return found
  }
  const ctor = (value as {constructor?: {name?: string}}).constructor?.name
  return ctor && ctor !== 'Object' && ctor !== 'Array' ? `a ${ctor}` : null
}
