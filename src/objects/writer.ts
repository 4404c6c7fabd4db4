// The worker's side: a result at least `inlineMax` bytes big is written to the run's object
// store by the worker that made it, once, and a reference crosses the pipe instead.
import {randomBytes} from 'node:crypto'
import {existsSync, statfsSync} from 'node:fs'
import {join} from 'node:path'
import {encodeObject, type Encoded} from './codec.js'
import {FULL_FLAG, type ObjectsConfig} from './config.js'
import {isNoSpace, ObjectStoreFullError} from './errors.js'
import {writeObjectFile} from './object-files.js'
import {ArenaWriter} from './arena.js'
import {makeRef, type ObjectPointer} from './ref.js'

/** tmpfs must keep this much free besides the object, or the object goes to disk */
const TMPFS_MARGIN = 64 * 1024 * 1024

export class ObjectWriter {
  private count = 0
  private readonly prefix = `${process.pid.toString(36)}-${randomBytes(4).toString('hex')}`
  private arena: ArenaWriter | null = null

  constructor(readonly config: ObjectsConfig) {}

  /** the value, or a reference to it once stored; `num_returns` parts are stored one by one */
  storeResult(value: unknown, numReturns: number): unknown {
    if (numReturns > 1 && Array.isArray(value)) return value.map((part) => this.store(part))
    return this.store(value)
  }

  store(value: unknown): unknown {
    if (value === null || typeof value !== 'object') {
      if (typeof value !== 'string' || value.length < this.config.inlineMax) return value
    } else if (roughSize(value, this.config.inlineMax) < this.config.inlineMax) return value
    const encoded = encodeObject(value)
    if (encoded.size < this.config.inlineMax) return value
    return this.write(encoded)
  }

  private write(encoded: Encoded): ObjectPointer {
    const id = `${this.prefix}-${(++this.count).toString(36)}`
    const {dir, spill, run} = this.config
    if (!this.overBudget(encoded.size)) {
      try {
        if (encoded.size <= (this.config.arenaMax ?? -1)) {
          const place = (this.arena ??= new ArenaWriter(dir)).write(encoded)
          return makeRef(id, encoded.size, encoded.type, dir, run, place)
        }
        writeObjectFile(dir, id, encoded)
        return makeRef(id, encoded.size, encoded.type, dir, run)
      } catch (error) {
        if (!isNoSpace(error)) throw error
      }
    }
    try {
      writeObjectFile(spill, id, encoded)
    } catch (error) {
      if (!isNoSpace(error)) throw error
      throw new ObjectStoreFullError(`run ${run}: no space left for an object of ${encoded.size} bytes, neither in ${dir} nor on disk in ${spill}`)
    }
    return makeRef(id, encoded.size, encoded.type, spill, run)
  }

  /** the runner marks the run over budget; tmpfs itself may be nearly full */
  private overBudget(size: number): boolean {
    const {dir} = this.config
    if (existsSync(join(dir, FULL_FLAG))) return true
    try {
      const fs = statfsSync(dir)
      return fs.bavail * fs.bsize < size + TMPFS_MARGIN
    } catch {
      return false
    }
  }
}

/**
 * About how many bytes v8.serialize makes of `value`, counted only up to `limit` (a small
 * value costs a short walk; a big one stops as soon as it is known to be big).
 */
function roughSize(value: unknown, limit: number): number {
  let total = 0
  const stack: unknown[] = [value]
  while (stack.length > 0 && total < limit) {
    const v = stack.pop()
    if (v === null || v === undefined || typeof v === 'boolean') total += 1
    else if (typeof v === 'number') total += 9
    else if (typeof v === 'string') total += v.length + 5
    else if (typeof v === 'bigint') total += 16
    else if (typeof v !== 'object') total += 1
    else if (ArrayBuffer.isView(v)) total += v.byteLength + 8
    else if (v instanceof ArrayBuffer) total += v.byteLength + 8
    else if (Array.isArray(v)) {
      total += 5
      for (let i = 0; i < v.length && total + stack.length < limit; i++) stack.push(v[i])
    } else if (v instanceof Map) {
      total += 5
      for (const [k, x] of v) {
        stack.push(k, x)
        if (total + stack.length >= limit) break
      }
    } else if (v instanceof Set) {
      total += 5
      for (const x of v) {
        stack.push(x)
        if (total + stack.length >= limit) break
      }
    } else if (v instanceof Date) total += 9
    else {
      total += 5
      for (const k in v) {
        total += k.length + 2
        stack.push((v as Record<string, unknown>)[k])
        if (total + stack.length >= limit) break
      }
    }
  }
  return total + stack.length
}
