// ray.wait over the store (watched by watch.ts).
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import {outputRefs, parseRef, refReady, resolveRef, type ResolvedRef} from './refs.js'
import {getInstance, type RunRecord} from './runs.js'
import {watchRun} from './watch.js'

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
  let resolved: ResolvedRef[] | null = null
  let result: WaitResult = {ready: [], remaining: [...refs]}
  const done = await watchRun(
    store,
    runId,
    (run) => {
      resolved ??= tryResolve(store, run, refs)
      if (resolved === null) return undefined
      if (resolved.length === 0) return {ready: [], remaining: []}
      if (numReturns > resolved.length) {
        throw new UsageError(`num_returns cannot be greater than the number of refs provided: ${numReturns} > ${resolved.length}`)
      }
      result = split(store, run, resolved, numReturns)
      return result.ready.length >= numReturns ? result : undefined
    },
    {deadline, signal: options.signal},
  )
  return done ?? result
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

/**
 * `wait --follow`'s elapsed time of a batch, in ms: from the run's start (its latest
 * session's, for a resumed run) to when the batch's last instance ended, so that a batch
 * that was ready before `wait` began reads as it would have then. Never past `nowMs`, and
 * 0 for instances that ended in an earlier session.
 */
export function batchElapsedMs(store: Store, run: RunRecord, refs: readonly ResolvedRef[], nowMs: number): number {
  const start = run.wallMs ?? run.resumedMs ?? run.startedMs ?? run.createdMs
  let end = 0
  for (const ref of refs) for (const name of ref.names) end = Math.max(end, endedWallMs(store, run, name) ?? nowMs)
  return Math.max(0, Math.min(end, nowMs) - start)
}

/** an instance's end on the wall clock, from its monotonic end and the session's clock pair */
function endedWallMs(store: Store, run: RunRecord, name: string): number | null {
  const endedT = getInstance(store, run.id, name)?.endedT ?? null
  return endedT === null || run.wallMs === null || run.t0 === null ? null : run.wallMs + (endedT - run.t0) / 1000
}
