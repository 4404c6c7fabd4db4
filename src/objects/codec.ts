// An object file: a 16-byte header, then the payload. Typed arrays, Buffers and
// ArrayBuffers are their raw bytes (no serializer pass on either side, and the reader wraps
// its read buffer without a copy); every other value is v8.serialize's bytes.
//
// header: "RAYO" | version u8 | kind u8 | 2 bytes zero | payload length u64 (little-endian)
// The payload starts at byte 16, so a buffer read at offset 0 keeps 8-byte alignment for
// Float64Array and BigInt64Array.
import {deserialize, serialize} from 'node:v8'

const HEADER_BYTES = 16
const MAGIC = 0x4f594152 // "RAYO" little-endian
const VERSION = 1

type ViewCtor = {new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView; readonly BYTES_PER_ELEMENT: number; readonly name: string}

/** kind codes; 0 is v8.serialize, 1 Buffer, 2 ArrayBuffer, 3.. the typed arrays */
const VIEWS: readonly ViewCtor[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]
const V8 = 0
const BUFFER = 1
const ARRAY_BUFFER = 2

export interface Encoded {
  readonly header: Buffer
  readonly payload: ArrayBufferView
  readonly type: string
  /** header + payload */
  readonly size: number
}

export function encodeObject(value: unknown): Encoded {
  let kind: number
  let payload: ArrayBufferView
  let type: string
  if (Buffer.isBuffer(value)) {
    kind = BUFFER
    payload = value
    type = 'Buffer'
  } else if (value instanceof ArrayBuffer) {
    kind = ARRAY_BUFFER
    payload = new Uint8Array(value)
    type = 'ArrayBuffer'
  } else if (ArrayBuffer.isView(value) && VIEWS.includes(value.constructor as ViewCtor) && !(value.buffer instanceof SharedArrayBuffer)) {
    kind = 3 + VIEWS.indexOf(value.constructor as ViewCtor)
    payload = value
    type = value.constructor.name
  } else {
    kind = V8
    payload = serialize(value)
    type = typeName(value)
  }
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32LE(MAGIC, 0)
  header.writeUInt8(VERSION, 4)
  header.writeUInt8(kind, 5)
  header.writeBigUInt64LE(BigInt(payload.byteLength), 8)
  return {header, payload, type, size: HEADER_BYTES + payload.byteLength}
}

/** null when `bytes` is not a whole object file; else its value (typed arrays share `bytes`' memory) */
export function decodeObject(bytes: Buffer): {value: unknown} | null {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt8(4) !== VERSION) return null
  const kind = bytes.readUInt8(5)
  const length = bytes.readBigUInt64LE(8)
  if (length !== BigInt(bytes.length - HEADER_BYTES)) return null
  const start = bytes.byteOffset + HEADER_BYTES
  const n = bytes.length - HEADER_BYTES
  if (kind === V8) return {value: deserialize(bytes.subarray(HEADER_BYTES))}
  if (kind === BUFFER) return {value: Buffer.from(bytes.buffer, start, n)}
  if (kind === ARRAY_BUFFER) return {value: bytes.buffer.slice(start, start + n)}
  const ctor = VIEWS[kind - 3]
  if (!ctor || n % ctor.BYTES_PER_ELEMENT !== 0) return null
  // aligned (the reader's buffer starts at 0): a view, no copy; else one copy
  if (start % ctor.BYTES_PER_ELEMENT === 0) return {value: new ctor(bytes.buffer, start, n / ctor.BYTES_PER_ELEMENT)}
  return {value: new ctor(bytes.buffer.slice(start, start + n), 0, n / ctor.BYTES_PER_ELEMENT)}
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return (value as object).constructor?.name ?? 'Object'
}
