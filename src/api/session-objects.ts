// A session's object store, as a `rayts run` has one: a big result stays in the file its
// worker wrote (tmpfs), a consumer task reads it from there, and this process reads it only
// when `get` asks. A big `put` value is written there once, instead of being copied into
// every task that takes it. At shutdown (or, failing that, at exit) the objects the run's
// recorded results refer to move under $RAYTS_HOME, and the rest are removed.
import {parseSize} from '../objects/budget.js'
import type {ObjectsConfig} from '../objects/config.js'
import {loadRefs} from '../objects/read.js'
import {ObjectWriter} from '../objects/writer.js'
import type {Store} from '../store/db.js'
import {keptObjectDir, openRunObjects, settleRunObjects} from '../store/objects.js'
import {processStartTime} from '../store/processes.js'

export interface SessionObjects {
  readonly config: ObjectsConfig
  /** count a result's objects against the budget */
  observe(value: unknown): void
  /** a `put` value: a reference once it is big enough to be stored */
  store(value: unknown): unknown
  /** `value` with its references read (from the kept folder once the session has ended) */
  load(value: unknown): unknown
  /** keep what the store refers to, remove the rest; idempotent */
  settle(): void
}

/**
 * The object store of session `runId`, or null when objects are turned off
 * (RAYTS_OBJECTS=off) or no folder can be made for them: values then cross inline.
 */
export function openSessionObjects(store: Store, runId: string, budget: number | undefined, env: NodeJS.ProcessEnv): SessionObjects | null {
  if (env.RAYTS_OBJECTS === 'off') return null
  let objects: ReturnType<typeof openRunObjects>
  try {
    objects = openRunObjects(store, runId, budget ?? budgetFromEnv(env), processStartTime(process.pid))
  } catch {
    return null
  }
  const kept = keptObjectDir(store, runId)
  let writer: ObjectWriter | null = null
  let settled = false
  return {
    config: objects.config,
    observe: (value) => objects.observe(value),
    store: (value) => (writer ??= new ObjectWriter(objects.config)).store(value),
    load: (value) => loadRefs(value, kept),
    settle() {
      if (settled) return
      settled = true
      settleRunObjects(store, objects)
    },
  }
}

/** $RAYTS_OBJECT_STORE_MEMORY, as `rayts run` reads it */
function budgetFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = env.RAYTS_OBJECT_STORE_MEMORY ? parseSize(env.RAYTS_OBJECT_STORE_MEMORY) : undefined
  return n !== undefined && n > 0 ? n : undefined
}
