// The worker's use of the run's object store: big results are written there (a reference
// goes back instead), references in a job's arguments are read. Without a store (a cluster
// worker, an executor used alone) results cross inline as before.
import type {ObjectsConfig} from '../../objects/config.js'
import {forgetArenas} from '../../objects/arena-map.js'
import {loadRefs} from '../../objects/read.js'
import {ObjectWriter} from '../../objects/writer.js'

let writer: ObjectWriter | null = null

export function useObjects(config: ObjectsConfig | null): void {
  // a warm pool's worker goes on to another run: the last one's arenas are not read again;
  // forgotten, their mappings are unmapped by the garbage collector (a mapping kept would
  // hold their memory after that run removed them)
  if (writer !== null && writer.config.dir !== config?.dir) forgetArenas(writer.config.dir)
  writer = config === null ? null : writer?.config === config ? writer : new ObjectWriter(config)
}

/** the value to send back: itself, or references to what was stored (may throw: a task error) */
export function storeResult(value: unknown, numReturns: number): unknown {
  return writer === null ? value : writer.storeResult(value, numReturns)
}

/** the job's arguments with every reference replaced by its value (may throw: a task error) */
export function readArgs(args: readonly unknown[]): readonly unknown[] {
  return loadRefs(args, undefined, 'mapped-copy') as readonly unknown[]
}
