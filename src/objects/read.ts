// Reading references back into values, and walking the places where references can sit:
// a result itself, the parts of a `num_returns` result, the arrays the scheduler builds
// (a fan-out's results), and the arguments built from templates (arrays, plain objects).
// Inside any other value there is no reference: a worker replaces references in its
// arguments before task code sees them. The walk keeps cycles and shared parts as they are
// (core/value-walk.ts).
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {mapLeaves} from '../core/value-walk.js'
import {ObjectError} from './errors.js'
import {checkPrivateDir, readObjectFile} from './object-files.js'
import {isObjectRef, objectId, validId, type ObjectRef} from './ref.js'

/**
 * The value of `ref`. `kept` is a finished run's folder of kept objects: tried first, since
 * the folder a reference names (the run's tmpfs folder) is gone once its run has ended.
 */
export function readObject(ref: ObjectRef, kept?: string): unknown {
  const id = objectId(ref)
  const what = `object ${id} of run ${ref.run}`
  if (!validId(id)) throw new ObjectError(`${what}: not a valid object id`)
  const keptPath = kept === undefined ? null : join(kept, id)
  if (keptPath !== null && existsSync(keptPath)) return readObjectFile(keptPath, what)
  // (either failure may mean the run just ended: its objects moved to the kept folder)
  const movedMeanwhile = (): boolean => keptPath !== null && existsSync(keptPath)
  try {
    checkPrivateDir(ref.dir)
  } catch (error) {
    if (movedMeanwhile()) return readObjectFile(keptPath!, what)
    throw new ObjectError(`${what} is missing: ${(error as Error).message}`)
  }
  try {
    return readObjectFile(join(ref.dir, id), what)
  } catch (error) {
    if (movedMeanwhile()) return readObjectFile(keptPath!, what)
    throw error
  }
}

/** `value` with every reference replaced by its value (the same object when it holds none) */
export function loadRefs(value: unknown, kept?: string): unknown {
  return mapRefs(value, (ref) => readObject(ref, kept))
}

/** `value` with every reference pointing at `dir` (a resumed run reads its kept objects there) */
export function relocateRefs(value: unknown, dir: string): unknown {
  return mapRefs(value, (ref) => ({...ref, dir}))
}

/** every reference in `value`, by id */
export function collectRefs(value: unknown, into: Map<string, ObjectRef> = new Map()): Map<string, ObjectRef> {
  mapRefs(value, (ref) => {
    into.set(objectId(ref), ref)
    return ref
  })
  return into
}

function mapRefs(value: unknown, f: (ref: ObjectRef) => unknown): unknown {
  return mapLeaves(value, isObjectRef, (ref) => f(ref as ObjectRef))
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
