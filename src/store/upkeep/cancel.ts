// Cancel a recorded run from another process (`rayts cancel`, the dashboard): SIGTERM to the
// run's process (which stops every task and process it started and records the run as
// cancelled), a grace period, then SIGKILL and killing whatever the run recorded as still
// running.
import {hostname} from 'node:os'
import type {Store} from '../db.js'
import {sameProcessAlive} from './processes.js'
import {killLeftovers, markEnded} from './reconcile.js'
import {getRun} from '../query/runs.js'
import {sleep} from '../query/watch.js'

const CANCEL_GRACE_MS = 3000

export type CancelOutcome =
  | {readonly ok: true; readonly state: string}
  | {readonly ok: false; readonly why: 'unknown' | 'ended' | 'other-host'; readonly message: string}

export async function cancelRun(store: Store, runId: string): Promise<CancelOutcome> {
  const run = getRun(store, runId)
  if (!run) return {ok: false, why: 'unknown', message: `no run ${runId}`}
  if (run.state !== 'running' && run.state !== 'submitted') return {ok: false, why: 'ended', message: `run ${runId} is already ${run.state}`}
  // its pid means nothing here
  if (run.host !== hostname()) return {ok: false, why: 'other-host', message: `run ${runId} runs on ${run.host}: cancel it there`}
  const alive = (): boolean => run.pid !== null && sameProcessAlive(run.pid, run.pidStart)
  if (alive()) process.kill(run.pid!, 'SIGTERM')
  const deadline = Date.now() + CANCEL_GRACE_MS
  while (Date.now() < deadline && alive()) await sleep(25)
  if (alive()) {
    process.kill(run.pid!, 'SIGKILL')
    const killDeadline = Date.now() + 1000
    while (Date.now() < killDeadline && alive()) await sleep(20)
  }
  killLeftovers(store, runId)
  markEnded(store, runId, 'cancelled')
  return {ok: true, state: getRun(store, runId)?.state ?? 'cancelled'}
}
