// One run put together for the store: createRun, with the run's object store, the result
// cache, the recorder, the timeline's events and an exit hook, and the settle at its end in
// one order. `rayts run` (runtime/run-from-cli.ts) and a library session (api/session.ts) both
// start their run here; each keeps its own signals, reporter and exit code.
import type {RunEvent} from '../core/events.js'
import type {CompiledGraph} from '../graph/model.js'
import {markEnded, recordRun, type Recorder, type RecordOptions, type RunMeta, type Store} from '../store/index.js'
import {RunCache, type RunCacheOptions} from './run-cache.js'
import {openRunObjectsHandle, type RunObjectsHandle} from './session-objects.js'
import {type CreateRunDeps, createRun} from './run.js'
import type {RunHandle, RunOptions} from './types.js'

/** the signals a run stops on: each caller says how (cancel, or end the session and die of it) */
export const RUN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export interface RecordedRunOptions {
  readonly graph: CompiledGraph
  /** createRun's options, but the object store and the cache, which this opens */
  readonly run: Omit<RunOptions, 'objects' | 'cache'>
  readonly deps: CreateRunDeps
  /** where the run is recorded; null for a run that is not (a library session with record: false) */
  readonly store: Store | null
  readonly meta: RunMeta
  readonly record?: Omit<RecordOptions, 'pid'>
  /**
   * The run's object store (with a store only; a cluster keeps its own value path). When no
   * folder can be made for it, `unavailable` is told and values cross inline.
   */
  readonly objects: {readonly budget: number | undefined; readonly env: NodeJS.ProcessEnv; readonly unavailable: (error: Error) => void} | null
  /** the result cache (with a store only) */
  readonly cache: Omit<RunCacheOptions, 'store' | 'runId'> | null
  /** keep every event, for a timeline written from memory */
  readonly collect: boolean
}

export interface RecordedRun {
  readonly handle: RunHandle
  readonly recorder: Recorder | null
  readonly objects: RunObjectsHandle | null
  /** every event so far, when `collect` was asked */
  readonly collected: readonly RunEvent[] | null
  /**
   * After the run ended (and its reporter closed): close the cache, then the recorder, then
   * settle the objects (an entry copies the objects it refers to; the kept objects are the
   * recorded results'). `notKept` is the settle's error: without those objects the results
   * are not all recorded.
   */
  settle(): {readonly writeError: string | null; readonly notKept: unknown}
  /** whatever the run got to, at the end of its caller: idempotent, throws nothing */
  dispose(): void
}

/** Not started: the caller subscribes what it needs first. Throws createRun's RunSetupError. */
export function startRecordedRun(o: RecordedRunOptions): RecordedRun {
  const {store, run} = o
  const objects = store && o.objects ? openObjects(store, run.runId, o.objects) : null
  const cache = store && o.cache ? new RunCache({...o.cache, store, runId: run.runId}) : null
  let handle: RunHandle
  let recorder: Recorder | null
  try {
    handle = createRun(o.graph, {...run, objects: objects?.config, cache: cache ?? undefined}, o.deps)
    recorder = store ? recordRun(store, handle.events, {...o.meta, pid: process.pid}, o.record) : null
  } catch (error) {
    // a task that can never fit (RunSetupError), a store that cannot be written: nothing ran
    cache?.close()
    settleQuietly(objects)
    throw error
  }
  // The process ends before the run has settled (a second Ctrl-C's exit, an uncaught error,
  // process.exit): record what is known, end the run as cancelled rather than leave it to be
  // found `lost`, then settle its objects, so that nothing stays in /dev/shm. The executor's
  // own exit hook kills the workers.
  const onExit = (): void => {
    if (store) {
      try {
        recorder?.close()
        markEnded(store, run.runId, 'cancelled')
      } catch {
        // a later command finds the run lost instead (and settles its objects)
      }
    }
    settleQuietly(objects)
  }
  process.on('exit', onExit)
  if (objects) {
    handle.events.subscribe((e) => {
      if (e.type === 'succeeded') objects.observe(e.value)
    })
  }
  const collected: RunEvent[] | null = o.collect ? [] : null
  if (collected) handle.events.subscribe((e) => collected.push(e))
  return {
    handle,
    recorder,
    objects,
    collected,
    settle() {
      process.off('exit', onExit) // from here on nothing waits: no exit comes between
      cache?.close()
      recorder?.close()
      let notKept: unknown = null
      try {
        objects?.settle()
      } catch (error) {
        notKept = error
      }
      return {writeError: recorder?.writeError ?? null, notKept}
    },
    dispose() {
      cache?.close()
      process.off('exit', onExit)
      // reported by settle() when the run got that far; a later command's reconcile retries
      settleQuietly(objects)
    },
  }
}

/** null when turned off (RAYTS_OBJECTS=off) or when no folder can be made for it */
function openObjects(store: Store, runId: string, o: NonNullable<RecordedRunOptions['objects']>): RunObjectsHandle | null {
  try {
    // settled by the run's own exit hook, after it has recorded what it knows
    return openRunObjectsHandle(store, runId, {budget: o.budget, env: o.env, settleAtExit: false})
  } catch (error) {
    o.unavailable(error as Error)
    return null
  }
}

function settleQuietly(objects: RunObjectsHandle | null): void {
  try {
    objects?.settle()
  } catch {
    // a later command's reconcile retries (the pointer file stays)
  }
}
