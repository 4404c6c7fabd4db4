// The instance rows as a view of the run's events rows (src/store/record/instance-rows.ts):
// a run writes no instance rows; readers make them, once, and bring them up to date. However
// they are brought up to date (after every flush, from two connections, a few events at a
// time, or once at the end), they come out the same, and each run keeps its own values.
import test from 'ava'
import {nowMicros} from '../../src/core/clock.js'
import type {EventOf, RunEvent} from '../../src/core/events.js'
import {EventStream} from '../../src/core/events.js'
import {countStates, getInstance, listInstances, loadValue, newRunId, openStore, readEvents, recordRun, type Store} from '../../src/store/index.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'
import {instancesOf, META, storeFromFixture, storeIn, SyntheticRun, tempHome} from './helpers.js'

const runStartOf = (events: readonly RunEvent[]): EventOf<'run-start'> => events.find((e): e is EventOf<'run-start'> => e.type === 'run-start')!

const FLUSH = Symbol('flush')
type Step = RunEvent | typeof FLUSH

const BIG = 'x'.repeat(1024 * 1024 + 10) // over the inline limit: a file of its own

/** a run that goes through every kind of change an instance row can take, with flushes between */
function script(runId: string): Step[] {
  const steps: Step[] = []
  const run = new SyntheticRun(runId, instancesOf({a: null, b: 3, c: null, d: null, big: null}), ['a'])
  run.events.subscribe((e) => steps.push(e))
  const flush = (): void => void steps.push(FLUSH)
  run.start()
  for (const name of ['a', 'b[0]', 'b[1]', 'b[2]', 'd', 'big']) run.emit({type: 'ready', t: nowMicros(), inst: run.idx(name)})
  flush()
  run.succeed('a', {x: 1})
  run.succeed('b[0]', new Float64Array([1, 2, 3]))
  const b1 = run.idx('b[1]')
  const t = nowMicros()
  run.emit({type: 'start', t, inst: b1, attempt: 1, pid: 7})
  run.emit({type: 'attempt-failed', t, inst: b1, attempt: 1, pid: 7, startedAt: t, error: {kind: 'crash', name: 'WorkerCrashError', message: 'gone'}, retryAt: t + 10})
  flush()
  run.succeed('b[1]', 'second try', 2, 8)
  run.fail('b[2]', {kind: 'error', name: 'Error', message: 'no'})
  run.emit({type: 'skipped', t: nowMicros(), inst: run.idx('c'), because: run.idx('b[2]')})
  run.add('call1', 'call2')
  run.succeed('call1', 'v1')
  flush()
  run.succeed('big', BIG)
  run.emit({type: 'start', t: nowMicros(), inst: run.idx('d'), attempt: 1, pid: 9})
  run.emit({type: 'cancelled-rest', t: nowMicros()})
  run.end('failed')
  return steps
}

/** plays `steps` into a store's recorder, calling `afterFlush` after each flush */
function play(store: Store, steps: readonly Step[], afterFlush: () => void = () => {}): void {
  const events = new EventStream()
  const recorder = recordRun(store, events, META)
  for (const s of steps) {
    if (s === FLUSH) {
      recorder.flush()
      afterFlush()
    } else events.emit(s)
  }
  recorder.close()
}

const ROW = 'name, idx, task, findex, ord, state, attempt, pid, session, started_t, ended_t, error, value, value_file, has_value, deps'
const rowsOf = (store: Store, runId: string): unknown[] => store.db.prepare(`SELECT ${ROW} FROM instances WHERE run_id = ? ORDER BY name`).all(runId)

test('a run writes no instance rows; the first reader makes them, and they hold every change', (t) => {
  const store = storeIn(t)
  const id = newRunId()
  play(store, script(id))
  t.is(rowsOf(store, id).length, 0, 'the run wrote none')
  t.deepEqual(countStates(store, id), {succeeded: 5, failed: 1, skipped: 1, cancelled: 2})
  t.like(getInstance(store, id, 'b[1]'), {state: 'succeeded', attempt: 2, pid: 8})
  t.like(getInstance(store, id, 'b[2]'), {state: 'failed', error: {kind: 'error', name: 'Error', message: 'no'}})
  t.like(getInstance(store, id, 'c'), {state: 'skipped', error: {kind: 'skipped', message: 'skipped because b[2] failed'}})
  t.like(getInstance(store, id, 'd'), {state: 'cancelled', pid: 9})
  t.like(getInstance(store, id, 'call2'), {state: 'cancelled'})
  t.deepEqual(loadValue(store, id, 'a'), {x: 1})
  t.deepEqual(loadValue(store, id, 'b[0]'), new Float64Array([1, 2, 3]))
  t.is(loadValue(store, id, 'call1'), 'v1')
  t.is(loadValue(store, id, 'big'), BIG)
  t.deepEqual(
    listInstances(store, id).map((i) => i.name),
    ['a', 'b[0]', 'b[1]', 'b[2]', 'c', 'd', 'big', 'call1', 'call2'],
    'in the order they appeared',
  )
})

test('rows made after every flush, from two connections, a few events at a time, or once at the end, are the same', (t) => {
  const id = newRunId()
  const steps = script(id)
  const once = storeIn(t)
  play(once, steps)
  syncInstanceRows(once, id)
  const expected = rowsOf(once, id)
  t.is(expected.length, 9)

  // after every flush, alternating between two readers' connections
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const writer = openStore(home)
  const readers = [openStore(home), openStore(home)]
  t.teardown(() => {
    for (const s of [writer, ...readers]) s.close()
  })
  let turn = 0
  play(writer, steps, () => syncInstanceRows(readers[turn++ % 2]!, id))
  syncInstanceRows(readers[turn % 2]!, id)
  t.deepEqual(rowsOf(writer, id), expected)

  // two events per transaction
  const small = storeIn(t)
  play(small, steps)
  syncInstanceRows(small, id, 2)
  t.deepEqual(rowsOf(small, id), expected)
})

test('two runs in one store keep their own rows and values', (t) => {
  const store = storeIn(t)
  const ids = [newRunId(), newRunId()]
  const runs = ids.map((id) => new SyntheticRun(id, instancesOf({v: null, w: 2}), ['v']))
  for (const run of runs) recordRun(store, run.events, META)
  for (const run of runs) run.start()
  // interleaved, the same names, different values
  runs.forEach((run, k) => run.succeed('v', `value of run ${k}`))
  syncInstanceRows(store, ids[0]!)
  runs.forEach((run, k) => run.succeed('w[1]', new Uint8Array([k])))
  for (const run of runs) run.end()
  for (const [k, id] of ids.entries()) {
    t.is(loadValue(store, id, 'v'), `value of run ${k}`)
    t.deepEqual(loadValue(store, id, 'w[1]'), new Uint8Array([k]))
    t.deepEqual(countStates(store, id), {succeeded: 2, pending: 1})
  }
})

test('a store of schema 6 (its instance rows written with its events) opens with every run in sync, its rows untouched', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const id = newRunId()
  let before: unknown[]
  {
    const store = openStore(home)
    play(store, script(id))
    syncInstanceRows(store, id)
    before = rowsOf(store, id)
    // as schema 6 had it: no record columns, rows already whole
    store.db.exec('DROP INDEX instances_idx')
    for (const [table, column] of [['events', 'vals'], ['events', 'vmeta'], ['events', 'defs'], ['runs', 'synced_seq'], ['runs', 'synced_ord']]) store.db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`)
    store.db.exec("DELETE FROM instances WHERE name = 'a'") // a row only the old writer could have made: not made again
    store.db.pragma('user_version = 6')
    store.close()
  }
  const store = openStore(home)
  t.teardown(() => store.close())
  t.is(store.db.pragma('user_version', {simple: true}), 7)
  const synced = store.db.prepare('SELECT synced_seq AS seq, (SELECT MAX(seq) FROM events WHERE run_id = ?) AS last FROM runs WHERE id = ?').get(id, id) as {seq: number; last: number}
  t.is(synced.seq, synced.last)
  t.deepEqual(rowsOf(store, id), before.filter((r) => (r as {name: string}).name !== 'a'))
  t.is(getInstance(store, id, 'a'), null, 'its events were not applied again')
})

test('a store written by rayts of schema 6 opens, reads as it did, and its failed run resumes under the new record', (t) => {
  const store = storeFromFixture(t, 'v6-failed-run.sql', 6)
  const id = '0mv6fixture01'
  t.deepEqual(countStates(store, id), {succeeded: 2, failed: 1, skipped: 1})
  t.deepEqual(loadValue(store, id, 'a'), {x: [1, 2, 3]})
  t.deepEqual(loadValue(store, id, 'b[0]'), new Float64Array([1.5, 2.5]))
  t.like(getInstance(store, id, 'c'), {state: 'skipped', error: {message: 'skipped because b[1] failed'}})
  t.deepEqual(
    runStartOf(readEvents(store, id)).instances.map((i) => [i.name, i.deps]),
    [['a', []], ['b[0]', [0]], ['b[1]', [0]], ['c', [1, 2]]],
    'its run-start reads back from its rows',
  )

  // the resume: a second session, recorded the new way, on top of the old rows
  const instances = runStartOf(readEvents(store, id)).instances
  const two = new SyntheticRun(id, [...instances], ['c'])
  recordRun(store, two.events, META)
  two.start()
  two.succeed('b[1]', 'fixed')
  two.succeed('c', 7)
  two.end()
  t.deepEqual(countStates(store, id), {succeeded: 4})
  t.deepEqual(loadValue(store, id, 'a'), {x: [1, 2, 3]}, 'what the first session computed stays')
  t.is(loadValue(store, id, 'b[1]'), 'fixed')
  t.is(loadValue(store, id, 'c'), 7)
  t.deepEqual(runStartOf(readEvents(store, id)).instances.map((i) => i.name), ['a', 'b[0]', 'b[1]', 'c'], "the second session's run-start, from its row")
  t.is(readEvents(store, id, {session: 1}).filter((e) => e.type === 'succeeded').length, 2, 'the first session reads as before')
})
