// Result values as plain JSON (the `--json` encoding, documented in docs/ui.md):
//   typed arrays and Buffers -> arrays of numbers (BigInt64Array items -> decimal strings)
//   BigInt -> decimal string      Date -> ISO 8601 string      Set -> array
//   Map -> object when every key is a string, else an array of [key, value] entries
//   NaN, Infinity, -Infinity -> the strings "NaN", "Infinity", "-Infinity"
//   undefined -> null             ArrayBuffer -> array of bytes      a cycle -> "[Circular]"
//   a part nested deeper than MAX_VALUE_DEPTH -> "[Deep]" (no value that crossed between
//   processes is: the bound keeps this recursion's stack small whatever it is given)
import {MAX_VALUE_DEPTH} from '../core/value-walk.js'
import {dict} from '../core/dict.js'

export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

export function toJson(value: unknown): Json {
  return enc(value, new Set(), 0)
}

function enc(v: unknown, seen: Set<object>, depth: number): Json {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : String(v)
    case 'bigint':
      return v.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return null
  }
  if (v === null) return null
  const o = v as object
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? null : o.toISOString()
  if (ArrayBuffer.isView(o)) {
    if (o instanceof DataView) return Array.from(new Uint8Array(o.buffer, o.byteOffset, o.byteLength))
    const a = o as unknown as ArrayLike<number | bigint>
    const out: Json[] = new Array(a.length)
    for (let i = 0; i < a.length; i++) out[i] = enc(a[i], seen, depth)
    return out
  }
  if (o instanceof ArrayBuffer) return Array.from(new Uint8Array(o))
  if (o instanceof Error) return {name: o.name, message: o.message}
  if (seen.has(o)) return '[Circular]'
  if (depth >= MAX_VALUE_DEPTH) return '[Deep]'
  seen.add(o)
  depth++
  try {
    if (Array.isArray(o)) return o.map((x) => enc(x, seen, depth))
    if (o instanceof Set) return [...o].map((x) => enc(x, seen, depth))
    if (o instanceof Map) {
      const entries = [...o.entries()]
      if (entries.every(([k]) => typeof k === 'string')) {
        const obj = dict<Json>()
        for (const [k, x] of entries) obj[k as string] = enc(x, seen, depth)
        return obj
      }
      return entries.map(([k, x]) => [enc(k, seen, depth), enc(x, seen, depth)])
    }
    const obj = dict<Json>()
    for (const [k, x] of Object.entries(o)) obj[k] = enc(x, seen, depth)
    return obj
  } finally {
    seen.delete(o)
  }
}
