// Result values as v8-serialized bytes (typed arrays, Map, BigInt... survive); values over
// LARGE_VALUE bytes go to a file of their own beside the database.
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {deserialize} from 'node:v8'
import {serializeValue} from './small-values.js'

const LARGE_VALUE = 1024 * 1024

export interface EncodedValue {
  /** inline bytes, or null when stored as a file */
  readonly inline: Buffer | null
  /** the bytes waiting to be written as a file (then `file` names it) */
  readonly fileBytes: Buffer | null
  readonly file: string | null
}

/** `fileStem` is asked for only when the value is large enough for a file of its own. */
export function encodeValue(value: unknown, fileStem: () => string): EncodedValue {
  return encodedBytes(serializeValue(value), fileStem)
}

/** a value already serialized (a cache hit's stored bytes), kept as encodeValue keeps its bytes */
export function encodedBytes(bytes: Buffer, fileStem: () => string): EncodedValue {
  if (bytes.length <= LARGE_VALUE) return {inline: bytes, fileBytes: null, file: null}
  return {inline: null, fileBytes: bytes, file: `${fileStem()}.v8`}
}

/** A name like `id[3]` as a file name: only [A-Za-z0-9_-] and an escape. */
export function fileStemFor(name: string, session: number): string {
  return `${name.replace(/[^A-Za-z0-9_-]/g, (c) => `~${c.charCodeAt(0).toString(16)}`)}.s${session}`
}

export function runBlobDir(blobDir: string, runId: string): string {
  return join(blobDir, runId)
}

export function writeValueFile(dir: string, file: string, bytes: Buffer): void {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const tmp = join(dir, `.${file}.${process.pid}.tmp`)
  writeFileSync(tmp, bytes, {mode: 0o600})
  renameSync(tmp, join(dir, file))
}

export function decodeValue(inline: Buffer | null, file: string | null, dir: string): unknown {
  if (inline) return deserialize(inline)
  if (file) return deserialize(readFileSync(join(dir, file)))
  return undefined
}

export function removeRunBlobs(blobDir: string, runId: string): void {
  rmSync(runBlobDir(blobDir, runId), {recursive: true, force: true})
}
