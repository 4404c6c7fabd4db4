import test from 'ava'
import {statSync, readdirSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {
  getInstance, getRun, listInstances, listRuns, loadResults, loadValue, openStore, readEvents, readLogs,
  recordRun, resolveRunId, newRunId, countStates, prepareResume, UsageError,
} from '../../src/store/index.js'
import {instancesOf, META, SyntheticRun, tempHome} from './helpers.js'

test('values of many types survive, a >1 MiB Buffer is a file, events and logs read back', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  t.teardown(() => store.close())
  const run = new SyntheticRun(newRunId(), instancesOf({a: null, b: null, c: null, big: null, arr: 3}), ['arr'])
  const rec = recordRun(store, run.events, META)
  run.start()
  const f64 = Float64Array.from([0.5, 1.25, -3])
  const big = Buffer.alloc(1024 * 1024 + 17, 7)
  const map = new Map<string, unknown>([['k', 1n], ['d', new Date(0)]])
  run.succeed('a', f64)
  run.succeed('b', map)
  run.succeed('c', {nested: [1, 'x', null], set: new Set([1, 2])})
  run.succeed('big', big)
  for (let i = 0; i < 3; i++) run.succeed(`arr[${i}]`, i * 10)
  run.emit({type: 'log', t: 1, inst: run.idx('a'), attempt: 1, stream: 'stdout', text: 'hello'})
  run.end()
  t.is(rec.runId, run.runId)

  const va = loadValue(store, run.runId, 'a')
  t.true(va instanceof Float64Array)
  t.deepEqual([...(va as Float64Array)], [0.5, 1.25, -3])
  t.deepEqual(loadValue(store, run.runId, 'b'), map)
  t.deepEqual(loadValue(store, run.runId, 'c'), {nested: [1, 'x', null], set: new Set([1, 2])})
  const vb = loadValue(store, run.runId, 'big') as Buffer
  t.true(Buffer.isBuffer(vb))
  t.is(vb.length, big.length)
  const files = readdirSync(join(home, 'blobs', run.runId))
  t.is(files.length, 1)
  t.is(statSync(join(home, 'blobs', run.runId, files[0]!)).mode & 0o777, 0o600)

  const results = loadResults(store, run.runId)
  t.deepEqual([...results.keys()], ['a', 'b', 'c', 'big', 'arr[0]', 'arr[1]', 'arr[2]'])
  t.is(results.get('arr[2]'), 20)

  const events = readEvents(store, run.runId)
  t.is(events[0]!.type, 'run-start')
  t.is(events.at(-1)!.type, 'run-end')
  const succeeded = events.filter((e) => e.type === 'succeeded')
  t.is(succeeded.length, 7)
  t.false(succeeded.some((e) => 'value' in e))

  const r = getRun(store, run.runId)!
  t.is(r.state, 'succeeded')
  t.deepEqual(r.outputs, ['arr'])
  t.deepEqual(r.meta?.set, ['defaults.max_retries=0'])
  t.is(r.pid, process.pid)
  t.deepEqual(countStates(store, run.runId), {succeeded: 7})
  t.deepEqual(readLogs(store, run.runId).map((l) => `${l.name}#${l.attempt} ${l.text}`), ['a#1 hello'])
  t.is(listInstances(store, run.runId).length, 7)
  // logs are stored once: in the logs table, not again as events
  t.false(events.some((e) => e.type === 'log'))
  t.is((store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE json LIKE '%hello%'").get() as {n: number}).n, 0)
})

test('the home folder is 0700 and the database files 0600', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  const run = new SyntheticRun(newRunId(), instancesOf({a: null}), ['a'])
  recordRun(store, run.events, META)
  run.start()
  run.succeed('a', 1)
  run.end()
  t.is(statSync(home).mode & 0o777, 0o700)
  t.is(statSync(join(home, 'blobs')).mode & 0o777, 0o700)
  for (const f of ['rayts.db', 'rayts.db-wal', 'rayts.db-shm']) {
    t.true(existsSync(join(home, f)), f)
    t.is(statSync(join(home, f)).mode & 0o777, 0o600, f)
  }
  store.close()
})

test('failures, skips and errors are stored; last names the newest run', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  t.teardown(() => store.close())
  const first = new SyntheticRun(newRunId(Date.now() - 1000), instancesOf({a: null}), ['a'])
  recordRun(store, first.events, META)
  first.start()
  first.succeed('a', 1)
  first.end()
  const run = new SyntheticRun(newRunId(), instancesOf({a: null, b: null}), ['b'])
  recordRun(store, run.events, META)
  run.start()
  run.fail('a', {kind: 'error', name: 'ValueError', message: 'bad', stack: 'ValueError: bad\n  at f'})
  run.emit({type: 'skipped', t: 1, inst: run.idx('b'), because: run.idx('a')})
  run.end('failed')
  t.is(resolveRunId(store, 'last'), run.runId)
  t.deepEqual(listRuns(store).map((r) => r.id), [run.runId, first.runId])
  const a = getInstance(store, run.runId, 'a')!
  t.is(a.state, 'failed')
  t.is(a.error?.name, 'ValueError')
  t.is(a.error?.stack, 'ValueError: bad\n  at f')
  t.is(getInstance(store, run.runId, 'b')!.state, 'skipped')
  t.is(getRun(store, run.runId)!.state, 'failed')
  t.throws(() => resolveRunId(store, '../etc'), {instanceOf: UsageError, message: /invalid run id/})
  t.throws(() => resolveRunId(store, 'nosuchrun'), {instanceOf: UsageError, message: /no run nosuchrun/})
})

test('resume: a second run-start for the same run keeps earlier results and attempts', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  t.teardown(() => store.close())
  const id = newRunId()
  const insts = instancesOf({a: null, b: null, c: null})
  const one = new SyntheticRun(id, insts, ['c'])
  recordRun(store, one.events, META)
  one.start()
  one.succeed('a', 'A')
  one.fail('b', {kind: 'error', name: 'Error', message: 'boom'})
  one.emit({type: 'skipped', t: 1, inst: one.idx('c'), because: one.idx('b')})
  one.end('failed')

  const prepared = prepareResume(store, 'last')
  t.is(prepared.runId, id)
  t.deepEqual([...prepared.results], [['a', 'A']])
  t.is(prepared.meta.graphFile, META.graphFile)

  const two = new SyntheticRun(id, insts, ['c'])
  recordRun(store, two.events, META)
  two.start()
  t.is(getRun(store, id)!.state, 'running')
  t.is(getInstance(store, id, 'a')!.state, 'succeeded')
  t.is(getInstance(store, id, 'b')!.state, 'pending')
  t.is(getInstance(store, id, 'b')!.error, null)
  two.succeed('b', 'B')
  two.succeed('c', 'C')
  two.end()
  const run = getRun(store, id)!
  t.is(run.state, 'succeeded')
  t.is(run.session, 2)
  t.not(run.resumedMs, null)
  t.deepEqual([...loadResults(store, id)], [['a', 'A'], ['b', 'B'], ['c', 'C']])
  // the latest session's events by default, all on request
  t.is(readEvents(store, id).filter((e) => e.type === 'run-start').length, 1)
  t.is(readEvents(store, id, {session: 'all'}).filter((e) => e.type === 'run-start').length, 2)
  const attempts = store.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE run_id = ?').get(id) as {n: number}
  t.is(attempts.n, 4) // a, b (failed) in session 1; b, c in session 2
  t.throws(() => prepareResume(store, id), {instanceOf: UsageError, message: /succeeded/})
})

test('a submitted run row is taken over by its run-start', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  t.teardown(() => store.close())
  const id = newRunId()
  store.db.prepare("INSERT INTO runs (id, state, host, session, created_ms) VALUES (?, 'submitted', 'h', 0, ?)").run(id, Date.now())
  const run = new SyntheticRun(id, instancesOf({a: null}), ['a'])
  recordRun(store, run.events, META)
  run.start()
  const r = getRun(store, id)!
  t.is(r.state, 'running')
  t.is(r.session, 1)
  t.is(r.resumedMs, null)
  run.succeed('a', 1)
  run.end()
  t.is(getRun(store, id)!.state, 'succeeded')
})
