import test from 'ava'
import {openStore, recordRun, newRunId, waitForRefs, UsageError, type Store} from '../../src/store/index.js'
import {instancesOf, META, SyntheticRun, tempHome} from './helpers.js'

/** A recording store and a separate reader connection, as in two processes. */
function setup(t: import('ava').ExecutionContext, spec: Record<string, number | null>, outputs: string[]) {
  const {home, cleanup} = tempHome()
  const writer = openStore(home)
  const reader = openStore(home)
  t.teardown(() => {
    writer.close()
    reader.close()
    cleanup()
  })
  const run = new SyntheticRun(newRunId(), instancesOf(spec), outputs)
  const rec = recordRun(writer, run.events, META)
  run.start()
  rec.flush() // the run-start is written a microtask later: have it in the store now
  return {run, reader, writer}
}

test('usage errors, with Ray-like messages', async (t) => {
  const {run, reader} = setup(t, {a: null, b: null, f: 3}, ['f'])
  const w = (refs: string[], o: {numReturns?: number; timeoutMs?: number | null}) => waitForRefs(reader, run.runId, refs, o)
  await t.throwsAsync(w(['a', 'b'], {numReturns: 3}), {instanceOf: UsageError, message: 'num_returns cannot be greater than the number of refs provided: 3 > 2'})
  await t.throwsAsync(w(['a'], {numReturns: 0}), {instanceOf: UsageError, message: /Invalid number of objects to return 0/})
  await t.throwsAsync(w(['a'], {numReturns: -1}), {instanceOf: UsageError})
  await t.throwsAsync(w(['a'], {timeoutMs: -1000}), {instanceOf: UsageError, message: /must be nonnegative/})
  await t.throwsAsync(w(['a', 'a'], {}), {instanceOf: UsageError, message: /unique refs: a is given twice/})
  await t.throwsAsync(w(['f[1]', 'f.1'], {}), {instanceOf: UsageError, message: /f\[1\] and f\.1 are the same/})
  await t.throwsAsync(w(['../x'], {}), {instanceOf: UsageError, message: /invalid ref/})
  await t.throwsAsync(w(['nope'], {}), {instanceOf: UsageError, message: /has no task nope/})
  await t.throwsAsync(w(['f[7]'], {}), {instanceOf: UsageError, message: /no instance 7/})
  // outputs resolve to 3 instances: 4 is too many
  await t.throwsAsync(w([], {numReturns: 4}), {instanceOf: UsageError, message: /4 > 3/})
})

test('timeout returns the partial ready list, in the order given, capped at N', async (t) => {
  const {run, reader} = setup(t, {a: null, b: null, c: null, d: null}, ['d'])
  run.succeed('c', 3)
  run.succeed('a', 1)
  const t0 = Date.now()
  const res = await waitForRefs(reader, run.runId, ['d', 'c', 'b', 'a'], {numReturns: 3, timeoutMs: 300})
  t.true(Date.now() - t0 >= 290)
  t.deepEqual(res, {ready: ['c', 'a'], remaining: ['d', 'b']})
  const capped = await waitForRefs(reader, run.runId, ['d', 'c', 'b', 'a'], {numReturns: 1, timeoutMs: 0})
  t.deepEqual(capped, {ready: ['c'], remaining: ['d', 'b', 'a']})
})

test('fanned-out ID is ready when all its instances are; ID.i, ID[i], ID.k; failures count as ready', async (t) => {
  const {run, reader} = setup(t, {f: 2, s: null, bad: null}, ['f'])
  run.succeed('f[1]', 'one')
  run.succeed('s', [10, 20])
  run.fail('bad', {kind: 'error', name: 'ValueError', message: 'no'})
  const r1 = await waitForRefs(reader, run.runId, ['f', 'f.1', 'f[0]', 's.1', 'bad'], {numReturns: 5, timeoutMs: 100})
  t.deepEqual(r1, {ready: ['f.1', 's.1', 'bad'], remaining: ['f', 'f[0]']})
  run.succeed('f[0]', 'zero')
  const r2 = await waitForRefs(reader, run.runId, ['f', 'f[0]'], {numReturns: 2, timeoutMs: 1000})
  t.deepEqual(r2, {ready: ['f', 'f[0]'], remaining: []})
  // no refs: the run's output instances
  t.deepEqual(await waitForRefs(reader, run.runId, [], {numReturns: 2}), {ready: ['f[0]', 'f[1]'], remaining: []})
})

test('an empty output list returns at once', async (t) => {
  const {run, reader} = setup(t, {a: null}, [])
  t.deepEqual(await waitForRefs(reader, run.runId, [], {numReturns: 1}), {ready: [], remaining: []})
})

test('wakes within ~50 ms of a result being stored', async (t) => {
  const {run, reader} = setup(t, {a: null, b: null}, ['a'])
  let storedAt = 0
  setTimeout(() => {
    run.succeed('b', 2)
    storedAt = Date.now()
  }, 200)
  const res = await waitForRefs(reader, run.runId, ['a', 'b'], {numReturns: 1, timeoutMs: 5000})
  const lag = Date.now() - storedAt
  t.deepEqual(res, {ready: ['b'], remaining: ['a']})
  // the recorder flushes within 20 ms and the reader looks every 20 ms
  t.true(lag < 250, `woke ${lag} ms after the result`)
})

test('a submitted run that has not started yet is waited for; the end of a run readies the rest', async (t) => {
  const {home, cleanup} = tempHome()
  const writer: Store = openStore(home)
  const reader: Store = openStore(home)
  t.teardown(() => {
    writer.close()
    reader.close()
    cleanup()
  })
  const id = newRunId()
  writer.db.prepare("INSERT INTO runs (id, state, host, session, created_ms, pid) VALUES (?, 'submitted', ?, 0, ?, ?)").run(id, (await import('node:os')).hostname(), Date.now(), process.pid)
  const run = new SyntheticRun(id, instancesOf({a: null, b: null}), ['a', 'b'])
  recordRun(writer, run.events, META)
  setTimeout(() => {
    run.start()
    run.succeed('a', 1)
  }, 100)
  setTimeout(() => run.end('cancelled'), 300)
  const first = await waitForRefs(reader, id, [], {numReturns: 1, timeoutMs: 5000})
  t.deepEqual(first, {ready: ['a'], remaining: ['b']})
  const all = await waitForRefs(reader, id, ['a', 'b'], {numReturns: 2, timeoutMs: 5000})
  t.deepEqual(all, {ready: ['a', 'b'], remaining: []})
})
