// ray.wait over the store. Cheap to wait on: PRAGMA data_version changes only when another
// connection commits, so it is read every POLL_MS and the refs are checked only then.
import type {Store} from './db.js'
import {UsageError} from './ids.js'
import {reconcileRuns} from './reconcile.js'
import {outputRefs, parseRef, refReady, resolveRef, type ResolvedRef} from './refs.js'
import {getRun, type RunRecord} from './runs.js'

export const POLL_MS = 20
const RECONCILE_MS = 1000

export interface WaitOptions {
  /** how many ready refs end the wait (default 1) */
  readonly numReturns?: number
  /** milliseconds; null or undefined: no limit */
  readonly timeoutMs?: number | null
  /** stop early */
  readonly signal?: AbortSignal
}

export interface WaitResult {
  readonly ready: string[]
  readonly remaining: string[]
}

/** Usage errors known before looking at the run (Ray's messages). */
export function checkWaitArgs(refs: readonly string[], numReturns: number, timeoutMs: number | null): void {
  if (!Number.isInteger(numReturns) || numReturns <= 0) throw new UsageError(`Invalid number of objects to return ${numReturns}.`)
  if (timeoutMs !== null && (timeoutMs < 0 || Number.isNaN(timeoutMs))) {
    throw new UsageError(`The 'timeout' argument must be nonnegative. Received ${timeoutMs / 1000}`)
  }
  const seen = new Set<string>()
  for (const r of refs) {
    parseRef(r)
    if (seen.has(r)) throw new UsageError(`Wait requires a list of unique refs: ${r} is given twice`)
    seen.add(r)
  }
  if (refs.length > 0 && numReturns > refs.length) {
    throw new UsageError(`num_returns cannot be greater than the number of refs provided: ${numReturns} > ${refs.length}`)
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

/**
 * Resolve refs once the run has started. Empty `refs` means the run's output instances.
 * Returns null while they cannot be resolved yet.
 */
export function tryResolve(store: Store, run: RunRecord, refs: readonly string[]): ResolvedRef[] | null {
  const texts = refs.length > 0 ? refs : run.session > 0 ? outputRefs(store, run) : null
  if (texts === null) return run.state === 'submitted' ? null : []
  const out: ResolvedRef[] = []
  const keys = new Map<string, string>()
  for (const t of texts) {
    const r = resolveRef(store, run, parseRef(t))
    if (r === null) return null
    const other = keys.get(r.key)
    if (other !== undefined) throw new UsageError(`Wait requires a list of unique refs: ${other} and ${t} are the same`)
    keys.set(r.key, t)
    out.push(r)
  }
  return out
}

export async function waitForRefs(store: Store, runId: string, refs: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
  const numReturns = options.numReturns ?? 1
  const timeoutMs = options.timeoutMs ?? null
  checkWaitArgs(refs, numReturns, timeoutMs)
  const deadline = timeoutMs === null ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs
  let lastKey = ''
  let lastReconcile = 0
  let resolved: ResolvedRef[] | null = null
  let result: WaitResult = {ready: [], remaining: [...refs]}
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
      resolved ??= tryResolve(store, run, refs)
      if (resolved !== null) {
        if (resolved.length === 0) return {ready: [], remaining: []}
        if (numReturns > resolved.length) {
          throw new UsageError(`num_returns cannot be greater than the number of refs provided: ${numReturns} > ${resolved.length}`)
        }
        result = split(store, run, resolved, numReturns)
        if (result.ready.length >= numReturns) return result
      }
    }
    if (Date.now() >= deadline || options.signal?.aborted) return result
    await sleep(Math.min(POLL_MS, deadline - Date.now()), options.signal)
  }
}

function split(store: Store, run: RunRecord, refs: readonly ResolvedRef[], numReturns: number): WaitResult {
  const ready: string[] = []
  const remaining: string[] = []
  for (const r of refs) {
    if (ready.length < numReturns && refReady(store, run, r)) ready.push(r.text)
    else remaining.push(r.text)
  }
  return {ready, remaining}
}
