// Result values as plain JSON (the `--json` encoding, documented in docs/ui.md):
//   typed arrays and Buffers -> arrays of numbers (BigInt64Array items -> decimal strings)
//   BigInt -> decimal string      Date -> ISO 8601 string      Set -> array
//   Map -> object when every key is a string, else an array of [key, value] entries
//   NaN, Infinity, -Infinity -> the strings "NaN", "Infinity", "-Infinity"
//   undefined -> null             ArrayBuffer -> array of bytes      a cycle -> "[Circular]"
//   a part nested deeper than MAX_VALUE_DEPTH -> "[Deep]" (no value that crossed between
//   processes is: the bound keeps this recursion's stack small whatever it is given)
//   a part shared by several places is written at each, until MAX_REPEATED_PARTS parts have
//   been written again; each repeat after that -> "[Shared]". JSON has no sharing, and
//   structured clone keeps it: a value built by doubling (x = [x, x], 40 times) is small
//   in memory and 2^40 parts as JSON (it took `rayts run --json` out of memory).
import {MAX_VALUE_DEPTH} from '../core/value-walk.js'
import {dict} from '../core/dict.js'

export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

/** parts written again for shared objects before "[Shared]" stands for further repeats */
export const MAX_REPEATED_PARTS = 1_000_000

interface State {
  /** the objects on the current path: a cycle */
  readonly seen: Set<object>
  /** the objects written once already: a repeat */
  readonly done: Set<object>
  /** how many repeats the walk is inside */
  repeating: number
  /** parts written inside repeats */
  repeated: number
}

export function toJson(value: unknown): Json {
  return enc(value, {seen: new Set(), done: new Set(), repeating: 0, repeated: 0}, 0)
}

function enc(v: unknown, s: State, depth: number): Json {
  if (s.repeating > 0) s.repeated++
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
  if (o instanceof Error) return {name: o.name, message: o.message}
  if (s.seen.has(o)) return '[Circular]'
  const again = s.done.has(o)
  if ((again || s.repeating > 0) && s.repeated >= MAX_REPEATED_PARTS) return '[Shared]'
  if (again) s.repeating++
  try {
    return container(o, s, depth)
  } finally {
    if (again) s.repeating--
    s.done.add(o)
  }
}

function container(o: object, s: State, depth: number): Json {
  if (ArrayBuffer.isView(o)) {
    if (o instanceof DataView) return bytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength), s)
    const a = o as unknown as ArrayLike<number | bigint>
    const out: Json[] = new Array(a.length)
    for (let i = 0; i < a.length; i++) out[i] = enc(a[i], s, depth)
    return out
  }
  if (o instanceof ArrayBuffer) return bytes(new Uint8Array(o), s)
  if (depth >= MAX_VALUE_DEPTH) return '[Deep]'
  s.seen.add(o)
  depth++
  try {
    if (Array.isArray(o)) return o.map((x) => enc(x, s, depth))
    if (o instanceof Set) return [...o].map((x) => enc(x, s, depth))
    if (o instanceof Map) {
      const entries = [...o.entries()]
      if (entries.every(([k]) => typeof k === 'string')) {
        const obj = dict<Json>()
        for (const [k, x] of entries) obj[k as string] = enc(x, s, depth)
        return obj
      }
      return entries.map(([k, x]) => [enc(k, s, depth), enc(x, s, depth)])
    }
    const obj = dict<Json>()
    for (const [k, x] of Object.entries(o)) obj[k] = enc(x, s, depth)
    return obj
  } finally {
    s.seen.delete(o)
  }
}

function bytes(b: Uint8Array, s: State): number[] {
  if (s.repeating > 0) s.repeated += b.length
  return Array.from(b)
}
