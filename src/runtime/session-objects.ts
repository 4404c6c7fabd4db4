// A run's object store as a session holds it (`rayts run` and a library session alike): a
// big result stays in the file its worker wrote (tmpfs), a consumer task reads it from
// there, and this process reads it only when it must (a printed output, `get`). A big `put`
// value is written there once. At the end (or, failing that, at exit) the objects the run's
// recorded results refer to move under $RAYTS_HOME, and the rest are removed.
import {envBytes} from '../format/units.js'
import type {ObjectsConfig} from '../objects/config.js'
import {loadRefs} from '../objects/read.js'
import {ObjectWriter} from '../objects/writer.js'
import type {Store} from '../store/db.js'
import {keptObjectDir, openRunObjects, settleRunObjects} from '../store/kept-objects.js'
import {processStartTime} from '../store/upkeep/processes.js'

export interface RunObjectsHandle {
  readonly config: ObjectsConfig
  /** count a result's objects against the budget */
  observe(value: unknown): void
  /** a `put` value: a reference once it is big enough to be stored */
  store(value: unknown): unknown
  /** `value` with its references read (from the kept folder once the run has ended) */
  load(value: unknown): unknown
  /** keep what the store refers to, remove the rest; idempotent */
  settle(): void
}

export interface OpenRunObjectsOptions {
  /** bytes of tmpfs (default: $RAYTS_OBJECT_STORE_MEMORY, else objects/memory-budget.ts) */
  readonly budget?: number
  readonly env: NodeJS.ProcessEnv
  /**
   * settle in a process exit hook if nothing settled before (a second Ctrl-C exits at once).
   * Off for a caller that settles in its own exit hook, after recording what it knows.
   */
  readonly settleAtExit: boolean
}

/**
 * The object store of run `runId`, or null when objects are turned off (RAYTS_OBJECTS=off:
 * every value through this process, as before the store). Throws when no folder can be made
 * for them.
 */
export function openRunObjectsHandle(store: Store, runId: string, o: OpenRunObjectsOptions): RunObjectsHandle | null {
  if (o.env.RAYTS_OBJECTS === 'off') return null
  const objects = openRunObjects(store, runId, o.budget ?? budgetFromEnv(o.env), processStartTime(process.pid))
  const kept = keptObjectDir(store, runId)
  let writer: ObjectWriter | null = null
  let settled = false
  const settle = (): void => {
    if (settled) return
    settled = true
    process.off('exit', onExit)
    settleRunObjects(store, objects)
  }
  const onExit = (): void => {
    try {
      settle()
    } catch {
      // a later command's reconcile retries (the pointer file stays)
    }
  }
  if (o.settleAtExit) process.on('exit', onExit)
  return {
    config: objects.config,
    observe: (value) => objects.observe(value),
    store: (value) => (writer ??= new ObjectWriter(objects.config)).store(value),
    load: (value) => loadRefs(value, kept, 'map'),
    settle,
  }
}

/**
 * $RAYTS_OBJECT_STORE_MEMORY (set by the user, or by `submit --object-store-memory` for its
 * run); a value that is not a size > 0 is a UsageError
 */
export function budgetFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return envBytes(env, 'RAYTS_OBJECT_STORE_MEMORY', undefined)
}
