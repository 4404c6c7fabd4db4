// The object store's errors. A task that meets one fails with it (a clear task error,
// never a hang); the message names the object and the run.

import {RaytsError} from '../core/errors.js'

export class ObjectError extends RaytsError {
  override name = 'ObjectError'
  override readonly code = 'RAYTS_ERR_OBJECT'
}

/** tmpfs and disk are both full (or the disk alone, past the memory budget) */
export class ObjectStoreFullError extends RaytsError {
  override name = 'ObjectStoreFullError'
  override readonly code = 'RAYTS_ERR_OBJECT_STORE_FULL'
}

export function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}
