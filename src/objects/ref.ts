// A reference to a value in a run's object store: small, and plain enough for structured
// clone (IPC), v8.serialize (the run store) and Redis alike. It stands in for the value in
// the worker's result message, the scheduler's results, the dependents' arguments and the
// run store's rows; only the processes that need the value read it (object-files.ts).

/** the key that marks a reference; its value is the object id */
export const REF_KEY = '$rayts.object'

export interface ObjectPointer {
  readonly [REF_KEY]: string
  /** bytes of the object file (header included) */
  readonly size: number
  /** what it holds: a typed array's or Buffer's name, or the constructor of a serialized value */
  readonly type: string
  /** the folder it was written to (the run's tmpfs folder, or its spill folder on disk) */
  readonly dir: string
  /** the run it belongs to, for messages */
  readonly run: string
  /** in an arena of the run (arena.ts), at this offset of its data; else the file `dir/id` */
  readonly arena?: string
  readonly at?: number
}

const ID = /^[0-9a-z-]{1,64}$/

export function isObjectPointer(v: unknown): v is ObjectPointer {
  return v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[REF_KEY] === 'string' && !Array.isArray(v)
}

export function objectId(ref: ObjectPointer): string {
  return ref[REF_KEY]
}

/** an id safe as a file name: no separators, no dots (temporary and marker files start with a dot) */
export function validId(id: string): boolean {
  return ID.test(id)
}

export function makeRef(id: string, size: number, type: string, dir: string, run: string, place?: {readonly arena: string; readonly at: number}): ObjectPointer {
  return place ? {[REF_KEY]: id, size, type, dir, run, arena: place.arena, at: place.at} : {[REF_KEY]: id, size, type, dir, run}
}

