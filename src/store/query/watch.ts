// Watching a run in the store from another process: the one poll loop behind `wait`, `get`,
// `logs --follow` and the wait for a submitted run to start. Cheap: PRAGMA data_version
// changes only when another connection commits, so it is read every POLL_MS and the caller's
// check runs only then; lost runs are reconciled every RECONCILE_MS.
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import {reconcileRuns} from '../upkeep/reconcile.js'
import {getRun, type RunRecord} from './runs.js'

const POLL_MS = 20
const RECONCILE_MS = 1000

export interface WatchOptions {
  /** ms since the epoch; past it the watch ends with undefined (default: never) */
  readonly deadline?: number
  readonly signal?: AbortSignal
}

/**
 * Calls `onChange(run)` at once and after every change to the store, until it returns a
 * value other than undefined (which the watch returns), the deadline passes or the signal
 * aborts (undefined).
 */
export async function watchRun<T>(store: Store, runId: string, onChange: (run: RunRecord) => T | undefined, options: WatchOptions = {}): Promise<T | undefined> {
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY
  let lastKey = ''
  let lastReconcile = 0
  for (;;) {
    const now = Date.now()
    if (now - lastReconcile >= RECONCILE_MS) {
      lastReconcile = now
      reconcileRuns(store, runId)
    }
    const key = changeKey(store)
    if (key !== lastKey) {
      lastKey = key
      const run = getRun(store, runId)
      if (!run) throw new UsageError(`no run ${runId}`)
      const out = onChange(run)
      if (out !== undefined) return out
    }
    if (Date.now() >= deadline || options.signal?.aborted) return undefined
    await sleep(Math.min(POLL_MS, deadline - Date.now()), options.signal)
  }
}

export function changeKey(store: Store): string {
  const dv = store.db.pragma('data_version', {simple: true}) as number
  const own = store.db.prepare('SELECT total_changes() AS n').get() as {n: number}
  return `${dv}:${own.n}`
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
