// The counts of an ended run are kept: two runs never share them, they agree with a fresh
// count, an active run is always counted afresh, and a run that changes (resumed, marked
// lost) is counted again.
import test from 'ava'
import {CountsCache} from '../../src/dashboard/counts-cache.js'
import {countStates} from '../../src/dashboard/queries.js'
import {getRun, newRunId, openStore, recordRun, type Store} from '../../src/store/index.js'
import {instancesOf, META, SyntheticRun, tempHome} from '../store/helpers.js'

function record(store: Store, n: number, failures: number, end: boolean): SyntheticRun {
  const run = new SyntheticRun(newRunId(), instancesOf(failures > 0 ? {t: n, bad: failures} : {t: n}), ['t'])
  const rec = recordRun(store, run.events, META)
  run.start()
  for (let i = 0; i < n; i++) run.succeed(`t[${i}]`, i)
  if (failures > 0) for (let i = 0; i < failures; i++) run.fail(`bad[${i}]`, {kind: 'error', name: 'Error', message: 'no'})
  if (end) run.end(failures > 0 ? 'failed' : 'succeeded')
  rec.flush()
  if (end) rec.close()
  return run
}

test('ended runs: kept, never shared, equal to a fresh count; active runs and changed runs counted again', (t) => {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  t.teardown(() => {
    store.close()
    cleanup()
  })
  const a = record(store, 5, 0, true)
  const b = record(store, 3, 2, true)
  const cache = new CountsCache()
  const ca = cache.get(store, getRun(store, a.runId)!)
  const cb = cache.get(store, getRun(store, b.runId)!)
  t.deepEqual(ca, {succeeded: 5})
  t.deepEqual(cb, {succeeded: 3, failed: 2})
  t.deepEqual(cache.get(store, getRun(store, a.runId)!), countStates(store, a.runId))
  t.deepEqual(cache.get(store, getRun(store, b.runId)!), countStates(store, b.runId))

  // an active run is counted afresh at every call
  const c = record(store, 2, 0, false)
  t.is(getRun(store, c.runId)!.state, 'running')
  t.deepEqual(cache.get(store, getRun(store, c.runId)!), countStates(store, c.runId))
  store.db.prepare("UPDATE instances SET state = 'running' WHERE run_id = ? AND name = 't[0]'").run(c.runId)
  t.deepEqual(cache.get(store, getRun(store, c.runId)!), {succeeded: 1, running: 1})

  // a resumed run (a new session and state) is counted again
  store.db.prepare("UPDATE instances SET state = 'succeeded' WHERE run_id = ? AND name LIKE 'bad%'").run(b.runId)
  store.db.prepare("UPDATE runs SET session = session + 1, state = 'succeeded', ended_ms = ended_ms + 1 WHERE id = ?").run(b.runId)
  t.deepEqual(cache.get(store, getRun(store, b.runId)!), {succeeded: 5})
  t.deepEqual(cache.get(store, getRun(store, a.runId)!), {succeeded: 5}, 'a is untouched')
})

test('a cache of one run still answers each run with its own counts', (t) => {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  t.teardown(() => {
    store.close()
    cleanup()
  })
  const runs = [record(store, 4, 0, true), record(store, 1, 3, true)]
  const cache = new CountsCache(1)
  for (let i = 0; i < 3; i++) for (const r of runs) t.deepEqual(cache.get(store, getRun(store, r.runId)!), countStates(store, r.runId))
})
