// What `rayts run --resume RUN` needs: the run id to continue, how it was run, and its results.
// The run is claimed in the transaction that checks it (marked submitted by this process), so
// a `rayts rm` racing the resume either removed it first (the resume refuses) or finds it
// active (the rm refuses).
import {hostname} from 'node:os'
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import type {RunMeta} from './meta.js'
import {processStartTime} from '../upkeep/processes.js'
import {reconcileRuns} from '../upkeep/reconcile.js'
import {loadResults} from './results.js'
import {getRun, resolveRunId, type RunRecord} from './runs.js'

export interface PreparedResume {
  readonly runId: string
  readonly meta: RunMeta
  /** instance name → value of every succeeded instance */
  readonly results: Map<string, unknown>
  /**
   * Give the claim back when the resume ends before its run starts (a graph error): the
   * run is as it was. A no-op once the run has started.
   */
  release(): void
}

/** A UsageError when the run cannot be resumed (unknown, removed, still running, succeeded). */
export function prepareResume(store: Store, runIdOrLast: string): PreparedResume {
  const runId = resolveRunId(store, runIdOrLast)
  reconcileRuns(store, runId)
  const {run, claimed} = claim(store, runId)
  const release = (): void => {
    if (!claimed) return
    store.db
      .prepare("UPDATE runs SET state = ?, pid = ?, pid_start = ?, host = ? WHERE id = ? AND state = 'submitted' AND pid = ? AND session = ?")
      .run(run.state, run.pid, run.pidStart, run.host, runId, process.pid, run.session)
  }
  try {
    return {runId, meta: run.meta!, results: loadResults(store, runId), release}
  } catch (error) {
    release()
    throw error
  }
}

/** the run, checked and marked submitted by this process in one transaction */
function claim(store: Store, runId: string): {run: RunRecord; claimed: boolean} {
  const {db} = store
  return db
    .transaction(() => {
      const run = getRun(store, runId)
      if (!run) throw new UsageError(`no run ${runId} in ${store.home}: it was removed (see: rayts list)`)
      // submitted by `submit --resume`: this is the process it started, already claimed
      const ours = run.state === 'submitted' && run.session > 0 && run.pid === process.pid
      const resumable = ours || run.state === 'lost' || run.state === 'failed' || run.state === 'cancelled'
      if (!resumable) {
        if (run.state === 'succeeded') throw new UsageError(`run ${runId} succeeded: there is nothing to resume`)
        if (run.state === 'submitted' && run.session === 0) throw new UsageError(`run ${runId} has not started yet`)
        throw new UsageError(`run ${runId} is still ${run.state} (pid ${run.pid}); cancel it first: rayts cancel ${runId}`)
      }
      if (!run.meta || !run.meta.graphFile) throw new UsageError(`run ${runId} has no stored graph file to resume from`)
      if (!ours) {
        db.prepare("UPDATE runs SET state = 'submitted', pid = ?, pid_start = ?, host = ? WHERE id = ?").run(
          process.pid,
          processStartTime(process.pid),
          hostname(),
          runId,
        )
      }
      return {run, claimed: !ours}
    })
    .immediate()
}
