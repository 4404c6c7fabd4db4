// The recorder's fast path (a flush's changes to an instance written once, its events as one
// row) leaves the store exactly as the slow path (a flush after every event) does, and so
// does the writer on a thread of its own.
import test from 'ava'
import {listInstances, loadResults, newRunId, openStore, readEvents, recordRun} from '../../src/store/index.js'
import {EventBlock, decodeEventRow} from '../../src/store/record/event-block.js'
import type {RunEvent} from '../../src/core/events.js'
import {instancesOf, META, SyntheticRun, tempHome} from './helpers.js'

function script(run: SyntheticRun, afterEach: () => void): void {
  const step = (f: () => void) => {
    f()
    afterEach()
  }
  run.start()
  afterEach()
  for (let i = 0; i < 40; i++) step(() => run.succeed(`t[${i}]`, {i, sq: i * i, buf: Buffer.from([i])}))
  step(() => run.fail('bad', {kind: 'error', name: 'ValueError', message: 'no'}))
  step(() => {
    const inst = run.idx('retried')
    run.emit({type: 'ready', t: 1, inst})
    run.emit({type: 'start', t: 2, inst, attempt: 1, pid: 7})
    run.emit({type: 'attempt-failed', t: 3, inst, attempt: 1, pid: 7, startedAt: 2, error: {kind: 'crash', name: 'CrashError', message: 'x'}, retryAt: 3})
    run.emit({type: 'ready', t: 4, inst})
  })
  step(() => run.succeed('retried', 'ok', 2))
  step(() => run.emit({type: 'skipped', t: 5, inst: run.idx('skip'), because: run.idx('bad')}))
  step(() => {
    run.emit({type: 'ready', t: 6, inst: run.idx('cut')})
    run.emit({type: 'start', t: 7, inst: run.idx('cut'), attempt: 1, pid: 8})
    run.emit({type: 'cancelled', t: 8, inst: run.idx('cut')})
  })
  // library calls: added and ended within one flush (one write each on the fast path), added
  // then ended in a later step, added then failed, retried or cancelled
  step(() => {
    run.add('call_1', 'call_2', 'call_3')
    run.succeed('call_1', new Float64Array([1, 2]))
    run.succeed('call_2', {ref: 'x'})
  })
  step(() => run.succeed('call_3', 'later'))
  step(() => {
    run.add('call_4', 'call_5', 'call_6')
    run.fail('call_4', {kind: 'error', name: 'TypeError', message: 'bad call'})
    const inst = run.idx('call_5')
    run.emit({type: 'ready', t: 9, inst})
    run.emit({type: 'start', t: 10, inst, attempt: 1, pid: 9})
    run.emit({type: 'attempt-failed', t: 11, inst, attempt: 1, pid: 9, startedAt: 10, error: {kind: 'crash', name: 'CrashError', message: 'y'}, retryAt: 11})
    run.succeed('call_5', 5, 2)
    run.emit({type: 'ready', t: 12, inst: run.idx('call_6')})
    run.emit({type: 'cancelled', t: 13, inst: run.idx('call_6')})
  })
  step(() => {
    run.add('call_7')
    run.emit({type: 'ready', t: 14, inst: run.idx('call_7')})
  })
  step(() => run.emit({type: 'cancelled-rest', t: 15}))
  run.end('failed')
}

function recordWith(slow: boolean, thread = false) {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  const run = new SyntheticRun(newRunId(), instancesOf({t: 40, bad: null, retried: null, skip: null, cut: null}), ['t'])
  const rec = recordRun(store, run.events, META, {thread})
  script(run, slow ? () => rec.flush() : () => {})
  const strip = <T extends object>(rows: T[]) => rows.map((r) => ({...r}))
  const out = {
    instances: strip(listInstances(store, run.runId)),
    results: [...loadResults(store, run.runId)],
    events: readEvents(store, run.runId).map((e) => ({...e, t: 0, ...('startedAt' in e ? {startedAt: 0} : {}), ...('wallMs' in e ? {wallMs: 0, runId: ''} : {})})),
    eventRows: (store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE run_id = ?').get(run.runId) as {n: number}).n,
    attempts: store.db.prepare('SELECT name, attempt, state FROM attempts WHERE run_id = ? ORDER BY name, attempt').all(run.runId),
  }
  store.close()
  cleanup()
  return out
}

test('one flush per event and one flush for the whole run store the same instances, results and events', (t) => {
  const slow = recordWith(true)
  const fast = recordWith(false)
  const threaded = recordWith(false, true)
  const threadedSlow = recordWith(true, true)
  t.true(slow.eventRows > fast.eventRows, `${slow.eventRows} rows vs ${fast.eventRows}`)
  // times differ between the two runs: compare everything else
  const noTimes = (rows: ReturnType<typeof recordWith>['instances']) => rows.map((r) => ({...r, startedT: r.startedT === null, endedT: r.endedT === null}))
  t.deepEqual(noTimes(fast.instances), noTimes(slow.instances))
  t.deepEqual(fast.results, slow.results)
  t.deepEqual(fast.events, slow.events)
  t.deepEqual(fast.attempts, slow.attempts)
  for (const other of [threaded, threadedSlow]) {
    t.deepEqual(noTimes(other.instances), noTimes(slow.instances))
    t.deepEqual(other.results, slow.results)
    t.deepEqual(other.events, slow.events)
    t.deepEqual(other.attempts, slow.attempts)
  }
  t.is(threadedSlow.eventRows, slow.eventRows)
  t.deepEqual(fast.attempts, [
    {name: 'bad', attempt: 1, state: 'failed'},
    {name: 'call_4', attempt: 1, state: 'failed'},
    {name: 'call_5', attempt: 1, state: 'failed'},
    {name: 'call_5', attempt: 2, state: 'succeeded'},
    {name: 'retried', attempt: 1, state: 'failed'},
    {name: 'retried', attempt: 2, state: 'succeeded'},
  ])
  // different inputs do not share a result
  for (const [name, v] of fast.results) {
    if (!name.startsWith('t[')) continue
    const i = Number(/\d+/.exec(name)![0])
    t.deepEqual(v, {i, sq: i * i, buf: Buffer.from([i])})
  }
  const states = Object.fromEntries(fast.instances.map((r) => [r.name, r.state]))
  t.like(states, {bad: 'failed', retried: 'succeeded', skip: 'skipped', cut: 'cancelled', 't[0]': 'succeeded'})
})

test('an event block reads back as the events, and a row of an older store (one event) too', (t) => {
  const events: RunEvent[] = [
    {type: 'ready', t: 1, inst: 0},
    {type: 'start', t: 2, inst: 0, attempt: 1, pid: null},
    {type: 'succeeded', t: 3, inst: 0, attempt: 1, pid: 9, startedAt: 2, value: 'dropped'},
    {type: 'log', t: 3, inst: 0, attempt: 1, stream: 'stdout', text: 'logs live elsewhere'},
    {type: 'worker-exit', t: 4, pid: 9, reason: 'shutdown', calls: 1},
  ]
  const block = new EventBlock()
  for (const e of events) block.add(e)
  const out: RunEvent[] = []
  const noRunStart = () => {
    throw new Error('no run-start in this block')
  }
  decodeEventRow(block.take()!, out, noRunStart)
  decodeEventRow(JSON.stringify({type: 'run-end', t: 5, state: 'succeeded'}), out, noRunStart)
  t.deepEqual(out, [
    events[0],
    events[1],
    {type: 'succeeded', t: 3, inst: 0, attempt: 1, pid: 9, startedAt: 2},
    events[4],
    {type: 'run-end', t: 5, state: 'succeeded'},
  ])
  t.is(block.take(), null)
})
