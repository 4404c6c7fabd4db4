// v8.serialize's bytes for the plainest results (undefined, null, booleans, numbers, short
// ASCII strings), written here instead of by v8.serialize. A measured hack on a hot path:
// in a profile of `rayts run` of 100k no-op tasks (2026-12-08, ~3.0 s of the runner's
// samples), v8.serialize of each task's result took 177 ms (1.8 µs a value: a Serializer
// made and a fresh ArrayBuffer handed back per call); these bytes come from Buffer's pool.
// The bytes are v8's own (test/store/small-values.test.ts compares them with v8.serialize's
// over every kind), and v8.deserialize reads them back. The version header is v8's, taken at
// load, and the encoder checks itself against v8.serialize then: if this V8 writes any probe
// differently, every value goes to v8.serialize.
import {serialize} from 'node:v8'

const HEADER = serialize(undefined).subarray(0, 2)
const UNDEFINED = 0x5f // '_'
const NULL = 0x30 // '0'
const TRUE = 0x54 // 'T'
const FALSE = 0x46 // 'F'
const INT32 = 0x49 // 'I': zigzag varint
const DOUBLE = 0x4e // 'N': float64, little-endian
const ONE_BYTE_STRING = 0x22 // '"': varint length, then the bytes
/** an integer in this range is a Smi however V8 was built (31-bit or 32-bit Smis) */
const SMI_MIN = -(2 ** 30)
const SMI_MAX = 2 ** 30 - 1
/** longer strings, and any other value, go to v8.serialize */
const MAX_STRING = 64

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

function tagged(tag: number): Buffer {
  const b = Buffer.allocUnsafe(3)
  b[0] = HEADER[0]!
  b[1] = HEADER[1]!
  b[2] = tag
  return b
}

function varintLength(n: number): number {
  let len = 1
  while (n >= 0x80) {
    n = Math.floor(n / 128)
    len++
  }
  return len
}

function writeVarint(b: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    b[at++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  b[at++] = n
  return at
}

function encode(value: unknown): Buffer | null {
  switch (typeof value) {
    case 'undefined':
      return tagged(UNDEFINED)
    case 'boolean':
      return tagged(value ? TRUE : FALSE)
    case 'object':
      return value === null ? tagged(NULL) : null
    case 'number': {
      if (Number.isInteger(value) && value >= SMI_MIN && value <= SMI_MAX && !Object.is(value, -0)) {
        const zigzag = value >= 0 ? value * 2 : -value * 2 - 1
        const b = Buffer.allocUnsafe(3 + varintLength(zigzag))
        b[0] = HEADER[0]!
        b[1] = HEADER[1]!
        b[2] = INT32
        writeVarint(b, 3, zigzag)
        return b
      }
      // an integer between a 31-bit and a 32-bit Smi's bound is either, by build: v8 decides
      if (Number.isInteger(value) && Math.abs(value) > SMI_MAX && Math.abs(value) <= 2 ** 31) return null
      const b = Buffer.allocUnsafe(11)
      b[0] = HEADER[0]!
      b[1] = HEADER[1]!
      b[2] = DOUBLE
      b.writeDoubleLE(value, 3)
      return b
    }
    case 'string': {
      if (value.length > MAX_STRING || !isAscii(value)) return null
      const b = Buffer.allocUnsafe(3 + varintLength(value.length) + value.length)
      b[0] = HEADER[0]!
      b[1] = HEADER[1]!
      b[2] = ONE_BYTE_STRING
      b.write(value, writeVarint(b, 3, value.length), 'latin1')
      return b
    }
    default:
      return null
  }
}

const PROBES: readonly unknown[] = [undefined, null, true, false, 0, 1, -1, 63, 64, -65, 1e5, SMI_MIN, SMI_MAX, 2 ** 31 + 1, 1.5, -0, Number.NaN, Infinity, -1e300, '', 'a', 'x'.repeat(MAX_STRING)]

const agrees = PROBES.every((p) => {
  const mine = encode(p)
  return mine !== null && mine.equals(serialize(p))
})

/** v8.serialize(value) */
export function serializeValue(value: unknown): Buffer {
  return (agrees ? encode(value) : null) ?? serialize(value)
}

/** whether `value` takes the fast path here (for tests) */
export function encodedHere(value: unknown): boolean {
  return agrees && encode(value) !== null
}
