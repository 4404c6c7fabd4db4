// Reading references back into values, and walking the places where references can sit:
// a result itself, the parts of a `num_returns` result, the arrays the scheduler builds
// (a fan-out's results), and the arguments built from templates (arrays, plain objects).
// Inside any other value there is no reference: a worker replaces references in its
// arguments before task code sees them. The walk keeps cycles and shared parts as they are
// (core/value-walk.ts).
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {mapLeaves} from '../core/value-walk.js'
import {arenaPath, keptArenaPath, readArenaCopy} from './arena.js'
import {mapArena, mappedArena} from './arena-map.js'
import {decodeObject} from './codec.js'
import {ObjectError} from './errors.js'
import {checkPrivateDir, readObjectBytes, readObjectFile} from './object-files.js'
import {isObjectPointer, objectId, validId, type ObjectPointer} from './ref.js'

/**
 * How a value in an arena is read: `copy`, into memory of its own, read from the file (or
 * from a mapping this process holds already); `map`, a view of the arena itself, no copy
 * (the runner's `get`); `mapped-copy`, a copy out of the arena's mapping, made on the first
 * read (a worker's task arguments: task code may change them). A mapping lasts until its
 * run's arenas are forgotten (`forgetArenas`): only the runner of that run and its workers
 * map, never a long-lived reader such as the dashboard, which would keep the memory of
 * every run's arenas it ever read.
 */
export type ReadMode = 'copy' | 'map' | 'mapped-copy'

/**
 * The value of `ref`. `kept` is a finished run's folder of kept objects: tried first, since
 * the folder a reference names (the run's tmpfs folder) is gone once its run has ended.
 */
export function readObject(ref: ObjectPointer, kept?: string, mode: ReadMode = 'copy'): unknown {
  const id = objectId(ref)
  if (!validId(id)) throw new ObjectError(`object ${id} of run ${ref.run}: not a valid object id`)
  if (ref.arena !== undefined) {
    const hit = fromMapped(ref, mode)
    if (hit !== undefined) return hit.value
  }
  const what = `object ${id} of run ${ref.run}`
  const keptPath = kept === undefined ? null : ref.arena === undefined ? join(kept, id) : keptArenaPath(kept, ref.arena)
  const readKept = (): unknown => (ref.arena === undefined ? readObjectFile(keptPath!, what) : decodeArena(ref, keptPath!, readArenaCopy(keptPath!, placeOf(ref, what), ref.size, what), what))
  if (keptPath !== null && existsSync(keptPath)) return readKept()
  // (either failure may mean the run just ended: its objects moved to the kept folder)
  const movedMeanwhile = (): boolean => keptPath !== null && existsSync(keptPath)
  try {
    checkPrivateDir(ref.dir)
  } catch (error) {
    if (movedMeanwhile()) return readKept()
    throw new ObjectError(`${what} is missing: ${(error as Error).message}`)
  }
  try {
    return ref.arena === undefined ? readObjectFile(join(ref.dir, id), what) : readArenaObject(ref, what, mode)
  } catch (error) {
    if (movedMeanwhile()) return readKept()
    throw error
  }
}

/**
 * A value of an arena this process has mapped already, without the checks and lookups of a
 * first read: a view of the mapping (`map`), or a copy of its bytes (the other modes). The
 * checks (a failed stat of the kept file, the folder's checks, the arena's stat) were ~10 µs
 * of a session's `get` in the lesson's profile (100 × make_array(3000) a round), ~4 µs
 * after; a task reading 2,000 arrays paid an open, a read and a close each. The bytes an
 * object was written with never change and the mapping outlives the file, so the value is
 * the same whether the run has settled its objects since or not. Undefined: not mapped
 * here, or not a whole object there (the slow path then says why).
 */
function fromMapped(ref: ObjectPointer, mode: ReadMode): {value: unknown} | undefined {
  let map: Buffer | undefined
  try {
    map = mappedArena(arenaPath(ref.dir, ref.arena!))
  } catch {
    return undefined // not a valid arena name: the slow path names it
  }
  const at = validPlace(ref)
  if (map === undefined || at === null || at + ref.size > map.length) return undefined
  return decodeObject(rangeOf(map, at, ref.size, mode)) ?? undefined
}

/** `size` bytes at `at` of an arena's mapping: a view of it (`map`), else a copy of their own starting at offset 0 of their buffer (typed arrays stay aligned) */
function rangeOf(map: Buffer, at: number, size: number, mode: ReadMode): Buffer {
  const view = map.subarray(at, at + size)
  if (mode === 'map') return view
  const bytes = Buffer.allocUnsafeSlow(size)
  view.copy(bytes)
  return bytes
}

/** the offset of `ref` in its arena's data, or null when its place is not a valid one */
function validPlace(ref: ObjectPointer): number | null {
  const at = ref.at ?? -1
  return Number.isSafeInteger(at) && at >= 0 && Number.isSafeInteger(ref.size) && ref.size > 0 ? at : null
}

function placeOf(ref: ObjectPointer, what: string): number {
  const at = validPlace(ref)
  if (at === null) throw new ObjectError(`${what}: not a valid arena place`)
  return at
}

/** the arena file of `ref`: beside its hot folder, or (a resumed run's reference, relocated) a kept one inside `dir` */
function arenaFileOf(ref: ObjectPointer): string {
  const hot = arenaPath(ref.dir, ref.arena!)
  return existsSync(hot) ? hot : keptArenaPath(ref.dir, ref.arena!)
}

function readArenaObject(ref: ObjectPointer, what: string, mode: ReadMode): unknown {
  const at = placeOf(ref, what)
  const path = arenaFileOf(ref)
  // mapped once: the next reads of this arena take the fast path
  const map = mode === 'copy' ? null : mapArena(path, what)
  if (map !== null && at + ref.size > map.length) throw new ObjectError(`${what} is corrupt: its arena ${path} ends before it`)
  return decodeArena(ref, path, map === null ? readArenaCopy(path, at, ref.size, what) : rangeOf(map, at, ref.size, mode), what)
}

function decodeArena(ref: ObjectPointer, path: string, bytes: Buffer, what: string): unknown {
  const decoded = decodeObject(bytes)
  if (decoded === null) throw new ObjectError(`${what} is corrupt (in ${path} at ${ref.at}): not a whole object`)
  return decoded.value
}

/**
 * The encoded bytes of `ref` where it is now (its object file, or its range of an arena, hot
 * or kept beside the folder a resumed run's reference names): what a copy of it holds.
 */
export function readObjectBytesOf(ref: ObjectPointer): Buffer {
  const id = objectId(ref)
  const what = `object ${id} of run ${ref.run}`
  if (!validId(id)) throw new ObjectError(`${what}: not a valid object id`)
  if (ref.arena === undefined) return readObjectBytes(join(ref.dir, id), what)
  return readArenaCopy(arenaFileOf(ref), placeOf(ref, what), ref.size, what)
}

/** `value` with every reference an object file of its own in `dir` (where a copy of each is written as `dir/ID`) */
export function fileRefsIn(value: unknown, dir: string): unknown {
  return mapRefs(value, (ref) => {
    const {arena: _arena, at: _at, ...file} = ref
    return {...file, dir}
  })
}

/** `value` with every reference replaced by its value (the same object when it holds none) */
export function loadRefs(value: unknown, kept?: string, mode: ReadMode = 'copy'): unknown {
  return mapRefs(value, (ref) => readObject(ref, kept, mode))
}

/** `value` with every reference pointing at `dir` (a resumed run reads its kept objects there) */
export function relocateRefs(value: unknown, dir: string): unknown {
  return mapRefs(value, (ref) => ({...ref, dir}))
}

/** every reference in `value`, by id */
export function collectRefs(value: unknown, into: Map<string, ObjectPointer> = new Map()): Map<string, ObjectPointer> {
  mapRefs(value, (ref) => {
    into.set(objectId(ref), ref)
    return ref
  })
  return into
}

function mapRefs(value: unknown, f: (ref: ObjectPointer) => unknown): unknown {
  return mapLeaves(value, isObjectPointer, (ref) => f(ref as ObjectPointer))
}

/** For printing: the value, or a line saying why one of its objects cannot be read. */
export function loadForPrint(value: unknown): unknown {
  try {
    return loadRefs(value)
  } catch (error) {
    if (error instanceof ObjectError) return `[rayts: ${error.message}]`
    throw error
  }
}
