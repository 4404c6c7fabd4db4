import test from 'ava'
import {execa} from 'execa'
import {fileURLToPath} from 'node:url'
import {getInstance, getRun, newRunId, openStore, readEvents, reconcileRuns, waitForRefs} from '../../src/store/index.js'
import {pidAlive} from '../../src/store/upkeep/processes.js'
import {tempHome} from './helpers.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const FIXTURE = fileURLToPath(new URL('fixtures/synthetic-run.ts', import.meta.url))

test.serial('a run whose process is killed -9 is lost, and its process groups are killed', async (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const id = newRunId()
  const proc = execa('node', ['--import', 'tsx', FIXTURE, id, '6', '0', 'hang'], {env: {RAYTS_HOME: home}})
  t.teardown(() => {
    proc.kill('SIGKILL')
  })
  const sleepPid = await new Promise<number>((resolve) => proc.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
  t.true(pidAlive(sleepPid))
  const store = openStore(home)
  t.teardown(() => store.close())
  // give the recorder its flush, then check it is seen as running
  await new Promise((r) => setTimeout(r, 100))
  t.deepEqual(reconcileRuns(store), [])
  t.is(getRun(store, id)!.state, 'running')

  proc.kill('SIGKILL')
  await proc.catch(() => undefined)
  t.deepEqual(reconcileRuns(store), [id])
  t.is(getRun(store, id)!.state, 'lost')
  t.is(getInstance(store, id, 't[1]')!.state, 'succeeded')
  t.is(getInstance(store, id, 't[5]')!.state, 'pending')
  const deadline = Date.now() + 2000
  while (pidAlive(sleepPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  t.false(pidAlive(sleepPid), 'the recorded process group is killed')
  // a wait on a lost run does not hang: the unfinished refs are ready (their get raises)
  t.deepEqual(await waitForRefs(store, id, ['t[5]'], {timeoutMs: 5000}), {ready: ['t[5]'], remaining: []})
  t.deepEqual(reconcileRuns(store), [], 'lost only once')
})

test.serial('two runs recording at once while ten readers wait', async (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const ids = [newRunId(), newRunId()]
  const n = 200
  const procs = ids.map((id) => execa('node', ['--import', 'tsx', FIXTURE, id, String(n), '2'], {env: {RAYTS_HOME: home}}))
  t.teardown(() => {
    for (const p of procs) p.kill('SIGKILL')
  })
  const readers = Array.from({length: 10}, () => openStore(home))
  t.teardown(() => {
    for (const r of readers) r.close()
  })
  // wait for the runs to exist (their run-start), then wait on every output
  const waitRow = async (id: string) => {
    const s = readers[0]!
    while (!s.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) await new Promise((r) => setTimeout(r, 20))
  }
  await Promise.all(ids.map(waitRow))
  const results = await Promise.all(
    readers.map((r, i) => waitForRefs(r, ids[i % 2]!, [], {numReturns: n, timeoutMs: 60_000})),
  )
  for (const res of results) {
    t.is(res.ready.length, n)
    t.deepEqual(res.remaining, [])
  }
  for (const p of procs) t.is((await p).exitCode, 0)
  for (const id of ids) {
    t.is(getRun(readers[0]!, id)!.state, 'succeeded')
    syncInstanceRows(readers[0]!, id)
    const count = readers[0]!.db.prepare("SELECT COUNT(*) AS n FROM instances WHERE run_id = ? AND state = 'succeeded'").get(id) as {n: number}
    t.is(count.n, n)
    // every event is kept (one row per flush): run-start, ready/start/succeeded per task, run-end
    t.is(readEvents(readers[0]!, id).length, 2 + 3 * n)
  }
})
