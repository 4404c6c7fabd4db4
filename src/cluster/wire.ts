// What crosses Redis: batches (coordinator -> worker, in a BullMQ job) and messages
// (worker -> coordinator, on the session's stream). Everything is v8-serialized, so typed
// arrays, Maps, Dates and BigInts survive; big values travel once under a content key.
import {createHash} from 'node:crypto'
import {deserialize, serialize} from 'node:v8'
import type {OutputMode} from '../graph/model.js'
import type {TaskFailure} from '../core/events.js'
import {INLINE_LIMIT, valueKey} from './keys.js'
import type {RedisClient} from './redis.js'

/**
 * a value: as itself (`raw`: inside a batch or message list that is serialized as a whole
 * and is at most INLINE_LIMIT bytes), as its own v8 bytes, or by the sha256 of its bytes
 */
export type WireValue = {readonly raw: unknown} | {readonly inline: Uint8Array} | {readonly ref: string}

/** a path inside the packed code folder, or an absolute path used as is */
export type WirePath = {readonly rel: string} | {readonly abs: string}

interface WireJobBase {
  readonly inst: number
  readonly attempt: number
  readonly name: string
  readonly timeout: number | null
  readonly env: Readonly<Record<string, string>>
  readonly cwd: WirePath
}

export type WireJob =
  | (WireJobBase & {
      readonly kind: 'fn'
      readonly module: WirePath
      readonly export: string
      readonly args: WireValue
      readonly numReturns: number
      readonly maxCalls: number
    })
  | (WireJobBase & {
      readonly kind: 'cmd'
      readonly command: {readonly argv: readonly string[]} | {readonly shell: string}
      readonly stdin: string | Uint8Array | undefined
      readonly output: OutputMode
    })

export interface WireBatch {
  /** the coordinator session */
  readonly sid: string
  /** sha256 of the packed code folder */
  readonly code: string
  /** what the batch holds while it runs */
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
  readonly jobs: readonly WireJob[]
}

export type WireMessage =
  | {readonly k: 's'; readonly inst: number; readonly attempt: number; readonly pid: number | null; readonly worker: string}
  | {readonly k: 'l'; readonly inst: number; readonly attempt: number; readonly stream: 'stdout' | 'stderr'; readonly text: string}
  | {
      readonly k: 'd'
      readonly inst: number
      readonly attempt: number
      readonly pid: number | null
      /** microseconds the attempt ran, on the worker's clock */
      readonly micros: number
      readonly value?: WireValue
      readonly error?: TaskFailure
    }

export const encode = (x: unknown): Buffer => serialize(x)
export const decode = <T>(bytes: Uint8Array): T => deserialize(bytes) as T

/** v8 bytes of a value; big ones are stored once (SET NX) and referred to by hash */
export interface EncodedValue {
  readonly wire: WireValue
  /** the big value to store before the reference is used */
  readonly store?: {readonly key: string; readonly bytes: Buffer}
}

export function encodeValue(value: unknown): EncodedValue {
  const bytes = serialize(value)
  if (bytes.length <= INLINE_LIMIT) return {wire: {inline: bytes}}
  const sha = createHash('sha256').update(bytes).digest('hex')
  return {wire: {ref: sha}, store: {key: valueKey(sha), bytes}}
}

/** a value that needs no Redis read (raw, inline) */
export const isLocalValue = (wire: WireValue): wire is {readonly raw: unknown} | {readonly inline: Uint8Array} => !('ref' in wire)

export function decodeLocalValue(wire: {readonly raw: unknown} | {readonly inline: Uint8Array}): unknown {
  return 'raw' in wire ? wire.raw : deserialize(wire.inline)
}

export async function decodeValue(redis: RedisClient, wire: WireValue): Promise<unknown> {
  if (isLocalValue(wire)) return decodeLocalValue(wire)
  const bytes = await redis.getBuffer(valueKey(wire.ref))
  if (bytes === null) throw new Error(`value ${wire.ref.slice(0, 12)} is gone from Redis (expired or evicted)`)
  return deserialize(bytes)
}
