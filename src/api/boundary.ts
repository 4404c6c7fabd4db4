// The library's boundary: what a public call throws is a RaytsError. The layers below throw
// their own (StoreError, ObjectError, UsageError...), which pass as they are; anything else
// is wrapped here, once, with the original as its `cause`.
import {isRaytsError, RaytsError} from '../core/errors.js'
import {storeErrorFrom} from '../store/errors.js'
import {storeFile} from '../store/home.js'
import {raytsHome} from '../core/home.js'

export function raytsErrorOf(error: unknown): RaytsError {
  if (isRaytsError(error)) return error
  const store = storeErrorFrom(error, raytsHome(), storeFile())
  if (store) return store
  const message = error instanceof Error ? error.message : String(error)
  // node's system errors (ENOENT, EACCES...) carry the call that failed
  const system = typeof (error as {syscall?: unknown} | null)?.syscall === 'string'
  return new RaytsError(message, {code: system ? 'RAYTS_ERR_SYSTEM' : 'RAYTS_ERR_INTERNAL', cause: error})
}

/** `run()`, whose throw or rejection leaves as a RaytsError */
export async function atBoundary<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw raytsErrorOf(error)
  }
}
