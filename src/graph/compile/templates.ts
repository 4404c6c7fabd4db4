import type {PathPart} from '../model.js'
import {Tagged} from '../read/tags.js'

/**
 * Rebuild a value, replacing each tagged scalar with what `visit` returns.
 * Parts without tags are returned as they are (shared, not copied).
 */
export function mapTags(value: unknown, path: PathPart[], visit: (t: Tagged, path: PathPart[]) => unknown): unknown {
  if (value instanceof Tagged) return visit(value, path)
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = value[i]
      if (!containsTag(v)) continue
      out ??= value.slice()
      out[i] = mapTags(v, [...path, i], visit)
    }
    return out ?? value
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined
    for (const [k, v] of Object.entries(value)) {
      if (!containsTag(v)) continue
      out ??= {...value}
      Object.defineProperty(out, k, {value: mapTags(v, [...path, k], visit), enumerable: true, writable: true, configurable: true})
    }
    return out ?? value
  }
  return value
}

const tagCache = new WeakMap<object, boolean>()

export function containsTag(value: unknown): boolean {
  if (value instanceof Tagged) return true
  if (value === null || typeof value !== 'object') return false
  const cached = tagCache.get(value)
  if (cached !== undefined) return cached
  const children = Array.isArray(value) ? value : Object.values(value)
  const has = children.some((v) => containsTag(v))
  tagCache.set(value, has)
  return has
}
