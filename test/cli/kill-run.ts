// Test cleanup: kill whatever a recorded run left running (its runner, workers and command
// process groups), then let the store settle it as lost, so its /dev/shm folder is removed
// even when the test failed half-way. A pid is signalled only while it is still the process
// the store recorded (its start time): pids wrap quickly on a busy machine (pid_max 32768
// here), and a reused one may belong to another test's process.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {killGroup} from '../../src/core/kill-group.js'
import {openStore, reconcileRuns} from '../../src/store/index.js'
import {sameProcessAlive} from '../../src/store/upkeep/processes.js'
import {eventually} from '../helpers/poll.js'

type Proc = {pid: number; pid_start: string | null}

export async function killRecordedRun(home: string, runId: string): Promise<void> {
  if (!existsSync(join(home, 'rayts.db'))) return
  const store = openStore(home)
  try {
    const run = store.db.prepare('SELECT pid, pid_start FROM runs WHERE id = ?').get(runId) as Proc | undefined
    const workers = store.db.prepare('SELECT pid, pid_start FROM workers WHERE run_id = ?').all(runId) as Proc[]
    const groups = store.db.prepare('SELECT pgid FROM pgroups WHERE run_id = ? AND alive = 1').all(runId) as {pgid: number}[]
    const mine = [run, ...workers].filter((p): p is Proc => p !== undefined && p.pid !== null && sameProcessAlive(p.pid, p.pid_start))
    for (const p of mine) process.kill(p.pid, 'SIGKILL')
    for (const g of groups) killGroup(g.pgid, 'SIGKILL')
    await eventually(() => !mine.some((p) => sameProcessAlive(p.pid, p.pid_start)))
    reconcileRuns(store)
  } finally {
    store.close()
  }
}
