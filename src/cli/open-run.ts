// What the run commands share: opening the store (and reconciling lost runs first),
// telling a graph file from a run id, and the wait-until-resolvable step.
import {existsSync, statSync} from 'node:fs'
import {openStore, type Store} from '../store/db.js'
import {reconcileRuns} from '../store/upkeep/reconcile.js'
import {parseRef, type ResolvedRef} from '../store/query/refs.js'
import {resolveRunId} from '../store/query/runs.js'
import {tryResolve} from '../store/query/wait.js'
import {watchRun} from '../store/query/watch.js'

/** Open the store, mark lost runs (and kill their leftovers), resolve RUN. */
export function openForRun(runRef: string): {store: Store; runId: string} {
  const store = openStore()
  try {
    reconcileRuns(store)
    return {store, runId: resolveRunId(store, runRef)}
  } catch (error) {
    store.close()
    throw error
  }
}

/** RUN given as a graph file: an existing file, or a name ending in .yaml/.yml. */
export function looksLikeGraphFile(arg: string): boolean {
  if (/\.ya?ml$/i.test(arg)) return true
  try {
    return existsSync(arg) && statSync(arg).isFile()
  } catch {
    return false
  }
}

/**
 * Wait until `refs` (or, when empty, the run's outputs) can be resolved: the run has
 * started. Returns null when `deadline` (ms since epoch) passes first.
 */
export async function waitResolved(store: Store, runId: string, refs: readonly string[], deadline: number): Promise<ResolvedRef[] | null> {
  for (const r of refs) parseRef(r)
  const resolved = await watchRun(store, runId, (run) => tryResolve(store, run, refs) ?? undefined, {deadline})
  return resolved ?? null
}
