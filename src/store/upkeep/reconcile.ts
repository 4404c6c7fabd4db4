// Runs whose process died without ending them (kill -9, power loss) become `lost`, and
// whatever they left running is killed; their objects left in tmpfs are settled (the ones
// their results refer to move to disk, the rest is removed). Every reader command calls
// this first.
import {hostname} from 'node:os'
import type {Store} from '../db.js'
import {killGroup} from '../../core/kill-group.js'
import {sweepLostObjects} from '../kept-objects.js'
import {syncInstanceRows} from '../record/instance-rows.js'
import {pidAlive, processStartTime, sameProcessAlive} from './processes.js'

type Row = Record<string, unknown>

/** how long a submitted run may go without a recorded pid before it is given up */
const SUBMIT_GRACE_MS = 30_000

/** Mark lost every active run of this host whose process is gone; returns their ids. */
export function reconcileRuns(store: Store, onlyRunId?: string): string[] {
  const {db} = store
  const rows = (
    onlyRunId
      ? db.prepare("SELECT id, state, pid, pid_start, created_ms FROM runs WHERE id = ? AND state IN ('submitted', 'running') AND host = ?").all(onlyRunId, hostname())
      : db.prepare("SELECT id, state, pid, pid_start, created_ms FROM runs WHERE state IN ('submitted', 'running') AND host = ?").all(hostname())
  ) as Row[]
  const lost: string[] = []
  for (const r of rows) {
    const pid = r.pid === null ? null : Number(r.pid)
    if (pid === null) {
      if (Date.now() - Number(r.created_ms) < SUBMIT_GRACE_MS) continue
    } else if (sameProcessAlive(pid, (r.pid_start as string | null) ?? null)) continue
    if (markEnded(store, String(r.id), 'lost')) lost.push(String(r.id))
  }
  sweepLostObjects(store)
  return lost
}

/**
 * End an active run as `state` (lost, cancelled) when nothing else has ended it, and kill
 * what it recorded as running. True when this call ended it.
 */
export function markEnded(store: Store, runId: string, state: 'lost' | 'cancelled'): boolean {
  const {db} = store
  // its writer is gone: every event it wrote is in the rows before they are marked
  syncInstanceRows(store, runId)
  const ended = db
    .transaction(() => {
      const res = db
        .prepare("UPDATE runs SET state = ?, ended_ms = ? WHERE id = ? AND state IN ('submitted', 'running')")
        .run(state, Date.now(), runId)
      if (res.changes === 0) return false
      db.prepare(
        "UPDATE instances SET state = ? WHERE run_id = ? AND state IN ('running', 'retrying')",
      ).run(state, runId)
      return true
    })
    .immediate()
  if (ended) killLeftovers(store, runId)
  // a runner killed by `rayts cancel` after its grace left its tmpfs folder
  sweepLostObjects(store)
  return ended
}

/** SIGKILL the run's recorded live process groups and workers; record them dead. */
export function killLeftovers(store: Store, runId: string): number {
  const {db} = store
  let killed = 0
  const groups = db.prepare('SELECT pgid, pid_start FROM pgroups WHERE run_id = ? AND alive = 1').all(runId) as Row[]
  for (const g of groups) {
    const pgid = Number(g.pgid)
    const start = (g.pid_start as string | null) ?? null
    // A live leader with another start time means the pid was reused: the group is gone.
    const reused = pidAlive(pgid) && start !== null && processStartTime(pgid) !== start
    if (!reused && killGroup(pgid, 'SIGKILL')) killed++
  }
  const workers = db.prepare('SELECT pid, pid_start FROM workers WHERE run_id = ? AND alive = 1').all(runId) as Row[]
  for (const w of workers) {
    const pid = Number(w.pid)
    if (!sameProcessAlive(pid, (w.pid_start as string | null) ?? null)) continue
    try {
      process.kill(pid, 'SIGKILL')
      killed++
    } catch {
      // already gone
    }
  }
  db.transaction(() => {
    db.prepare('UPDATE pgroups SET alive = 0 WHERE run_id = ?').run(runId)
    db.prepare('UPDATE workers SET alive = 0 WHERE run_id = ?').run(runId)
  }).immediate()
  return killed
}
