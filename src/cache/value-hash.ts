// A canonical content hash of a value structured clone takes, for the cross-run cache key.
// Two values get one hash only when structured clone would give back values no task can
// tell apart: 1 and "1", -0 and 0, NaN and null, an Int8Array and a Uint8Array of the same
// bytes, and a Map or Set in another insertion order (observable) all hash differently.
// Cycles and shared parts are written as back-references; the walk uses a stack of its
// own, so a deeply nested value cannot overflow the call stack.
import {createHash, type Hash} from 'node:crypto'
import {sha256Hex} from './sha256.js'
import {isObjectPointer, objectId, type ObjectPointer} from '../objects/ref.js'

/** How an object-store reference counts: by its content (read by the caller) */
export type RefDigest = (ref: ObjectPointer) => string

const f64 = new Float64Array(1)
const f64Bytes = new Uint8Array(f64.buffer)

/** sha256 hex of `value` in the canonical encoding */
export function hashValue(value: unknown, refDigest?: RefDigest): string {
  const bytes = primitiveBytes(value)
  if (bytes) return sha256Hex(bytes)
  const h = createHash('sha256')
  writeValue(h, value, refDigest)
  return h.digest('hex')
}

/**
 * The canonical encoding of a primitive in one buffer (the bytes writeValue would write), so
 * that its hash takes one call: a foreach item or a plain argument is usually one.
 */
function primitiveBytes(v: unknown): Buffer | null {
  switch (typeof v) {
    case 'undefined':
      return Buffer.from('u')
    case 'boolean':
      return Buffer.from(v ? 'T' : 'F')
    case 'number': {
      const b = Buffer.allocUnsafe(9)
      b[0] = 0x64 // 'd'
      f64[0] = Number.isNaN(v) ? Number.NaN : v // as writeValue: one NaN, -0 keeps its sign bit
      b.set(f64Bytes, 1)
      return b
    }
    case 'string':
    case 'bigint': {
      const text = typeof v === 'string' ? v : v.toString(16)
      const body = Buffer.from(text, 'utf8')
      return Buffer.concat([Buffer.from(`${typeof v === 'string' ? 's' : 'g'}${body.length}:`), body])
    }
    default:
      return v === null ? Buffer.from('n') : null
  }
}

type Work = {readonly v: unknown} | {readonly tag: string}

/** write the canonical encoding of `value` into `h` */
export function writeValue(h: Hash, value: unknown, refDigest?: RefDigest): void {
  const seen = new Map<object, number>()
  const stack: Work[] = [{v: value}]
  const tag = (s: string): void => {
    h.update(s)
  }
  const str = (s: string): void => {
    const b = Buffer.from(s, 'utf8')
    h.update(`${b.length}:`)
    h.update(b)
  }
  while (stack.length > 0) {
    const w = stack.pop()!
    if ('tag' in w) {
      tag(w.tag)
      continue
    }
    const v = w.v
    switch (typeof v) {
      case 'undefined':
        tag('u')
        continue
      case 'boolean':
        tag(v ? 'T' : 'F')
        continue
      case 'number':
        // NaN has many bit patterns and one meaning; -0 keeps its sign bit
        f64[0] = Number.isNaN(v) ? Number.NaN : v
        tag('d')
        h.update(f64Bytes)
        continue
      case 'bigint':
        tag('g')
        str(v.toString(16))
        continue
      case 'string':
        tag('s')
        str(v)
        continue
      case 'symbol':
      case 'function':
        throw new TypeError(`a ${typeof v} cannot be part of a cache key (structured clone refuses it)`)
      default:
        break
    }
    if (v === null) {
      tag('n')
      continue
    }
    const o = v as object
    const back = seen.get(o)
    if (back !== undefined) {
      tag(`r${back};`)
      continue
    }
    seen.set(o, seen.size)
    if (isObjectPointer(o)) {
      if (!refDigest) throw new TypeError(`object ${objectId(o)} cannot be part of a cache key here`)
      tag('O')
      str(refDigest(o))
      continue
    }
    if (ArrayBuffer.isView(o)) {
      tag('V')
      str(o.constructor?.name ?? 'ArrayBufferView')
      h.update(`${o.byteLength}:`)
      h.update(new Uint8Array(o.buffer, o.byteOffset, o.byteLength))
      continue
    }
    if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && o instanceof SharedArrayBuffer)) {
      tag(o instanceof ArrayBuffer ? 'B' : 'b')
      h.update(`${o.byteLength}:`)
      h.update(new Uint8Array(o))
      continue
    }
    if (Array.isArray(o)) {
      tag(`a${o.length};`)
      // pushed in reverse: popped in index order; holes are not undefined
      for (let i = o.length - 1; i >= 0; i--) stack.push(i in o ? {v: o[i]} : {tag: 'h'})
      continue
    }
    if (o instanceof Map) {
      tag(`M${o.size};`)
      const entries = [...o]
      for (let i = entries.length - 1; i >= 0; i--) stack.push({v: entries[i]![1]}, {v: entries[i]![0]})
      continue
    }
    if (o instanceof Set) {
      tag(`S${o.size};`)
      const items = [...o]
      for (let i = items.length - 1; i >= 0; i--) stack.push({v: items[i]})
      continue
    }
    if (o instanceof Date) {
      f64[0] = o.getTime()
      tag('D')
      h.update(f64Bytes)
      continue
    }
    if (o instanceof RegExp) {
      tag('R')
      str(o.source)
      str(o.flags)
      continue
    }
    if (o instanceof Error) {
      tag('E')
      str(o.name)
      str(o.message)
      str(o.stack ?? '')
      continue
    }
    const boxed = boxedPrimitive(o)
    if (boxed !== undefined) {
      tag('X')
      stack.push({v: boxed})
      continue
    }
    // a plain object (structured clone keeps own enumerable string keys, in order)
    const keys = Object.keys(o)
    tag(`o${keys.length};`)
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!
      stack.push({v: (o as Record<string, unknown>)[k]}, {v: k})
    }
  }
}

function boxedPrimitive(o: object): unknown {
  if (o instanceof Number || o instanceof String || o instanceof Boolean) return o.valueOf()
  if (typeof BigInt !== 'undefined' && Object.prototype.toString.call(o) === '[object BigInt]') return (o as {valueOf(): bigint}).valueOf()
  return undefined
}
