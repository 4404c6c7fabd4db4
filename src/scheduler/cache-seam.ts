// The scheduler's view of the cross-run result cache (implemented in runtime/run-cache.ts):
// before a task with `cache: true` runs, its key is looked up; a hit ends the instance
// `cached` with the stored value; a miss runs it and stores what it returns.
import type {InstanceSpec, RefExpr, TaskSpec} from '../graph/model.js'
import type {ResolveContext} from './resolve.js'

export interface CacheLookupInput {
  readonly spec: InstanceSpec
  readonly ctx: ResolveContext
  /** the keys of the instances a ref covers, or null when one of them has none */
  readonly refKeys: (ref: RefExpr) => readonly string[] | null
}

/**
 * key null: the instance could not be keyed (it runs, and is not stored). A hit's `bytes`,
 * when given, are `value` serialized (v8), for the store to keep as they are.
 */
export type CacheLookupResult =
  | {readonly key: string | null; readonly hit: false}
  | {readonly key: string; readonly hit: true; readonly value: unknown; readonly bytes?: Uint8Array}

export type CacheAnswer = (spec: InstanceSpec, result: CacheLookupResult) => void

export interface InstanceCache {
  /** whether instances of this task are looked up at all */
  wants(task: TaskSpec): boolean
  /** answered later, through `answer` (one function for every instance: no closure or promise per instance) */
  lookup(input: CacheLookupInput, answer: CacheAnswer): void
  /** a computed value (a successful attempt) of a keyed instance */
  store(spec: InstanceSpec, key: string, value: unknown): void
}
