// What `rayts run --resume RUN` needs: the run id to continue, how it was run, and its results.
import type {Store} from './db.js'
import {UsageError} from './ids.js'
import type {RunMeta} from './meta.js'
import {reconcileRuns} from './reconcile.js'
import {loadResults} from './results.js'
import {getRun, resolveRunId} from './runs.js'

export interface PreparedResume {
  readonly runId: string
  readonly meta: RunMeta
  /** instance name → value of every succeeded instance */
  readonly results: Map<string, unknown>
}

/** A UsageError when the run cannot be resumed (unknown, still running, succeeded). */
export function prepareResume(store: Store, runIdOrLast: string): PreparedResume {
  const runId = resolveRunId(store, runIdOrLast)
  reconcileRuns(store, runId)
  const run = getRun(store, runId)!
  const resumable =
    run.state === 'lost' ||
    run.state === 'failed' ||
    run.state === 'cancelled' ||
    // submitted by `submit --resume`: this is the process it started
    (run.state === 'submitted' && run.session > 0 && run.pid === process.pid)
  if (!resumable) {
    if (run.state === 'succeeded') throw new UsageError(`run ${runId} succeeded: there is nothing to resume`)
    if (run.state === 'submitted' && run.session === 0) throw new UsageError(`run ${runId} has not started yet`)
    throw new UsageError(`run ${runId} is still running (pid ${run.pid}); cancel it first: rayts cancel ${runId}`)
  }
  if (!run.meta || !run.meta.graphFile) throw new UsageError(`run ${runId} has no stored graph file to resume from`)
  return {runId, meta: run.meta, results: loadResults(store, runId)}
}
