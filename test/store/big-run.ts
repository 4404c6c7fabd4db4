// A stored run of many instances, written straight into the store's tables (no graph runs):
// `task[i]` of tasks a, b, c, with a mix of states, durations, retries and errors.
import type {Store} from '../../src/store/index.js'

export interface BigRun {
  readonly runId: string
  /** per task: instances by state */
  readonly states: Record<string, Record<string, number>>
}

export function writeBigRun(store: Store, runId: string, n: number): BigRun {
  const db = store.db
  db.prepare(`INSERT INTO runs (id, graph, file, state, host, session, created_ms, started_ms, ended_ms, t0, wall_ms, capacity, outputs)
              VALUES (?, 'big', '/tmp/big.yaml', 'failed', 'h', 1, ?, ?, ?, 0, ?, '{"cpu":2}', '["c"]')`).run(runId, Date.now(), Date.now(), Date.now() + 1000, Date.now())
  const insert = db.prepare(`INSERT INTO instances (run_id, name, idx, task, findex, ord, state, attempt, pid, session, started_t, ended_t, error, has_value)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`)
  const states: Record<string, Record<string, number>> = {}
  const tasks = ['a', 'b', 'c']
  db.transaction(() => {
    // the placeholder of a fan-out: not an instance a user sees
    insert.run(runId, 'a', n, 'a', null, -1, 'succeeded', 0, null, null, null, null, 0)
    for (let k = 0; k < n; k++) {
      const task = tasks[k % 3]!
      const i = Math.floor(k / 3)
      // a: all succeed, 1 ms .. ; b: every 10th failed (two messages), retried once; c: a tail still running or pending
      let state = 'succeeded'
      let attempt = 1
      let error: string | null = null
      let started: number | null = 1_000_000 + k
      let ended: number | null = started + (i % 1000) * 1000 // 0 .. 999 ms
      if (task === 'b' && i % 10 === 0) {
        state = 'failed'
        attempt = 2
        error = JSON.stringify({kind: 'error', name: 'ValueError', message: i % 20 === 0 ? 'bad input' : 'worse input', stack: 'ValueError'})
      } else if (task === 'c' && i >= n / 3 - 100) {
        state = i % 2 === 0 ? 'running' : 'pending'
        ended = null
        if (state === 'pending') {
          started = null
          attempt = 0
        }
      }
      const t = (states[task] ??= {})
      t[state] = (t[state] ?? 0) + 1
      insert.run(runId, `${task}[${i}]`, k, task, i, k, state, attempt, state === 'pending' ? null : 4242, started, ended, error, state === 'succeeded' ? 1 : 0)
    }
  })()
  return {runId, states}
}
