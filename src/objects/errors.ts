// The object store's errors. A task that meets one fails with it (a clear task error,
// never a hang); the message names the object and the run.

export class ObjectError extends Error {
  override name = 'ObjectError'
}

/** tmpfs and disk are both full (or the disk alone, past the memory budget) */
export class ObjectStoreFullError extends Error {
  override name = 'ObjectStoreFullError'
}

export function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}
