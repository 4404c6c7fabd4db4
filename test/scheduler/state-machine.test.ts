// The scheduler's state machine on a synchronous fake executor (fake-executor.ts): each
// outcome is reported when the test says, so every transition is checked in order, with no
// process and no sleep. The real-process tests beside it (run.test.ts, chain.test.ts, …)
// check the same machine against the worker pool.
import test from 'ava'
import type {InstanceCache} from '../../src/scheduler/cache-seam.js'
import {fakeTimers} from '../helpers/fake-timers.js'
import {CRASH, ERROR, fakeRun, fnJob, settle, TIMEOUT} from './fake-executor.js'

test('succeed: a dependent is handed over with its input\'s result once that succeeded, and the run succeeds', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: g, args: [!ref a, 2]}')
  const {fake, inst} = run
  t.deepEqual([...fake.live.keys()], [inst('a')], 'only a is ready')
  t.deepEqual(fnJob(fake, inst('a')).args, [1])
  fake.succeed(inst('a'), 'A')
  await settle()
  t.deepEqual(fnJob(fake, inst('b')).args, ['A', 2])
  fake.succeed(inst('b'), 'B')
  t.is(await run.ended(), 'succeeded')
  t.deepEqual(run.story('a'), ['ready', 'start#1', 'succeeded#1'])
  t.deepEqual(run.story('b'), ['ready', 'start#1', 'succeeded#1'])
  t.is(run.scheduler.counts().succeeded, 2)
  t.true(fake.closed)
  t.is(run.events.at(-1)?.type, 'run-end')
})

test('fail: a final error skips what waits for it, transitively; independent work finishes; the run fails', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: g, args: [!ref a]}\n  c: {fn: g, args: [!ref b]}\n  d: {fn: f, args: [4]}')
  const {fake, inst} = run
  fake.fail(inst('a'), ERROR) // an exception is not retried unless retry_exceptions says so
  await settle()
  t.deepEqual(run.story('a'), ['ready', 'start#1', 'attempt-failed#1', 'failed'])
  t.deepEqual(run.story('b'), ['skipped'])
  t.deepEqual(run.story('c'), ['skipped'])
  t.true(fake.live.has(inst('d')), 'd still runs')
  fake.succeed(inst('d'), 4)
  t.is(await run.ended(), 'failed')
  t.is(run.scheduler.failure?.instance, 'a')
  t.is(run.scheduler.failure?.error.name, 'ValueError')
  t.like(run.scheduler.counts(), {succeeded: 1, failed: 1, skipped: 2})
})

test('retry: a crash is tried again at once (no retry_delay), and the next attempt\'s result goes on', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1], max_retries: 2}\n  b: {fn: g, args: [!ref a]}')
  const {fake, inst} = run
  fake.fail(inst('a'), CRASH)
  await settle()
  t.is(fake.job(inst('a')).attempt, 2)
  fake.succeed(inst('a'), 'A')
  await settle()
  t.deepEqual(fnJob(fake, inst('b')).args, ['A'])
  fake.succeed(inst('b'), 'B')
  t.is(await run.ended(), 'succeeded')
  t.deepEqual(run.story('a'), ['ready', 'start#1', 'attempt-failed#1', 'ready', 'start#2', 'succeeded#2'])
  const failed = run.events.find((e) => e.type === 'attempt-failed')
  t.true(failed?.type === 'attempt-failed' && failed.retryAt !== null, 'the failed attempt says it will be retried')
})

test('retry: max_retries bounds the attempts; the last failure is final', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1], max_retries: 2}\n  b: {fn: g, args: [!ref a]}')
  const {fake, inst} = run
  for (let attempt = 1; attempt <= 3; attempt++) {
    t.is(fake.job(inst('a')).attempt, attempt)
    fake.fail(inst('a'), CRASH)
    await settle()
  }
  t.is(await run.ended(), 'failed')
  t.deepEqual(run.story('a').slice(-2), ['attempt-failed#3', 'failed'])
  const last = run.events.filter((e) => e.type === 'attempt-failed').at(-1)
  t.true(last?.type === 'attempt-failed' && last.retryAt === null)
  t.deepEqual(run.story('b'), ['skipped'])
})

test('retry: retry_exceptions names the exceptions that are tried again', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1], retry_exceptions: [ValueError]}\n  b: {fn: f, args: [2], retry_exceptions: [ValueError]}')
  const {fake, inst} = run
  fake.fail(inst('a'), ERROR)
  fake.fail(inst('b'), {kind: 'error', name: 'TypeError', message: 'no'})
  await settle()
  t.is(fake.job(inst('a')).attempt, 2, 'a ValueError is retried')
  t.false(fake.live.has(inst('b')), 'a TypeError is not')
  t.deepEqual(run.story('b').at(-1), 'failed')
  fake.succeed(inst('a'), 1)
  t.is(await run.ended(), 'failed')
})

test.serial('retry_delay and backoff: a timed-out attempt waits 10 s, then 30 s, before the next (fake timers)', async (t) => {
  const clock = fakeTimers(t)
  const run = fakeRun(t, '  a: {fn: f, args: [1], max_retries: 2, retry_delay: 10s, backoff: 3}')
  const {fake, inst} = run
  fake.fail(inst('a'), TIMEOUT)
  await settle()
  t.false(fake.live.has(inst('a')), 'retrying: not handed over yet')
  t.like(run.scheduler.counts(), {retrying: 1})
  const first = run.events.find((e) => e.type === 'attempt-failed')
  t.true(first?.type === 'attempt-failed' && first.retryAt === first.t + 10_000_000, 'retryAt is 10 s after the failure')
  clock.tick(9_999)
  t.false(fake.live.has(inst('a')))
  clock.tick(1)
  t.is(fake.job(inst('a')).attempt, 2, 'handed over when the delay ends')
  fake.fail(inst('a'), TIMEOUT)
  await settle()
  clock.tick(29_999)
  t.false(fake.live.has(inst('a')), 'backoff: 10 s × 3')
  clock.tick(1)
  t.is(fake.job(inst('a')).attempt, 3)
  fake.fail(inst('a'), TIMEOUT)
  t.is(await run.ended(), 'failed')
  t.is(run.scheduler.failure?.error.kind, 'timeout')
  t.is(clock.countTimers(), 0)
})

test.serial('cancel while a retry waits: its timer is cleared, everything not ended is cancelled', async (t) => {
  const clock = fakeTimers(t)
  const run = fakeRun(t, '  a: {fn: f, args: [1], retry_delay: 1m}\n  b: {fn: g, args: [!ref a]}')
  const {fake, inst} = run
  fake.fail(inst('a'), CRASH)
  await settle()
  t.is(clock.countTimers(), 1)
  run.scheduler.cancel()
  t.is(clock.countTimers(), 0)
  t.is(await run.ended(), 'cancelled')
  t.like(run.scheduler.counts(), {cancelled: 2})
  t.false(fake.live.has(inst('a')), 'not handed over again')
})

test('cancel: the run stops, the executor is closed, one cancelled-rest event covers what had not ended', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: g, args: [!ref a]}\n  c: {fn: f, args: [2]}')
  const {fake, inst} = run
  fake.succeed(inst('c'), 2)
  run.scheduler.cancel()
  t.is(await run.ended(), 'cancelled')
  t.true(fake.closed)
  t.is(run.events.filter((e) => e.type === 'cancelled-rest').length, 1)
  t.like(run.scheduler.counts(), {succeeded: 1, cancelled: 2})
})

test('cancelInstance: a running one is cancelled through the executor, a pending one at once; what waits for either is skipped', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: g, args: [!ref a]}\n  c: {fn: f, args: [2]}\n  d: {fn: g, args: [!ref c]}\n  e: {fn: g, args: [!ref d]}')
  const {fake, inst, scheduler} = run
  scheduler.cancelInstance(inst('a'))
  t.deepEqual(fake.cancels, [inst('a')])
  t.deepEqual(run.story('a').slice(-2), ['attempt-failed#1', 'cancelled'])
  t.deepEqual(run.story('b'), ['skipped'])
  scheduler.cancelInstance(inst('d')) // pending: the executor never had it
  t.deepEqual(fake.cancels, [inst('a')])
  t.deepEqual(run.story('d'), ['cancelled'])
  t.deepEqual(run.story('e'), ['skipped'])
  fake.succeed(inst('c'), 2)
  await run.ended()
  t.like(scheduler.counts(), {succeeded: 1, cancelled: 2, skipped: 2})
})

test('fail-fast: the first final failure stops the run; what runs is cancelled', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: f, args: [2]}\n  c: {fn: g, args: [!ref b]}', {failFast: true})
  const {fake, inst} = run
  fake.fail(inst('a'), ERROR)
  t.is(await run.ended(), 'failed')
  t.true(fake.closed)
  t.like(run.scheduler.counts(), {failed: 1, cancelled: 2})
})

test('dynamic fan-out: instances made from the source\'s result; the marker collects their results in order', async (t) => {
  const run = fakeRun(t, '  list: {fn: f, args: [1]}\n  each: {fn: g, foreach: !ref list, args: [!item, !index]}\n  sum: {fn: f, args: [!ref each]}')
  const {fake, inst} = run
  fake.succeed(inst('list'), [10, 20, 30])
  await settle()
  const expanded = run.events.find((e) => e.type === 'expanded')
  t.deepEqual(expanded?.type === 'expanded' ? expanded.instances.map((i) => i.name) : [], ['each[0]', 'each[1]', 'each[2]'])
  t.deepEqual([0, 1, 2].map((i) => fnJob(fake, inst(`each[${i}]`)).args), [[10, 0], [20, 1], [30, 2]])
  t.false(fake.live.has(inst('sum')))
  for (const i of [2, 0, 1]) fake.succeed(inst(`each[${i}]`), i * 100)
  await settle()
  t.deepEqual(fnJob(fake, inst('sum')).args, [[0, 100, 200]])
  fake.succeed(inst('sum'), 300)
  t.is(await run.ended(), 'succeeded')
})

test('dynamic fan-out: an empty list ends the fan-out at once; a source that is no list fails it and skips what waits', async (t) => {
  const empty = fakeRun(t, '  list: {fn: f, args: [1]}\n  each: {fn: g, foreach: !ref list, args: [!item]}\n  sum: {fn: f, args: [!ref each]}')
  empty.fake.succeed(empty.inst('list'), [])
  await settle()
  t.deepEqual(fnJob(empty.fake, empty.inst('sum')).args, [[]])

  const bad = fakeRun(t, '  list: {fn: f, args: [1]}\n  each: {fn: g, foreach: !ref list, args: [!item]}\n  sum: {fn: f, args: [!ref each]}')
  bad.fake.succeed(bad.inst('list'), 5)
  t.is(await bad.ended(), 'failed')
  t.is(bad.scheduler.failure?.error.name, 'FanOutError')
  t.deepEqual(bad.story('sum'), ['skipped'])
})

test('cached: a hit ends the instance cached without handing it over; a miss runs it and stores its result', async (t) => {
  const stored: unknown[] = []
  const cache: InstanceCache = {
    wants: (task) => task.options.cache === true,
    lookup: ({spec}, answer) => answer(spec, spec.name === 'a' ? {key: 'ka', hit: true, value: 'A'} : {key: 'kb', hit: false}),
    store: (spec, key, value) => void stored.push([spec.name, key, value]),
  }
  const run = fakeRun(t, '  a: {fn: f, args: [1], cache: true}\n  b: {fn: g, args: [!ref a], cache: true}', {cache})
  const {fake, inst} = run
  await settle()
  t.false(fake.batches.some((b) => b.some((j) => j.inst === inst('a'))), 'a never handed over')
  t.deepEqual(run.story('a'), ['ready', 'succeeded#0'])
  t.deepEqual(fnJob(fake, inst('b')).args, ['A'])
  fake.succeed(inst('b'), 'B')
  t.is(await run.ended(), 'succeeded')
  t.deepEqual(stored, [['b', 'kb', 'B']])
  t.like(run.scheduler.counts(), {cached: 1, succeeded: 1})
})

test('reuse: a result reused from an earlier run is attempt 0 and never handed over', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: g, args: [!ref a]}', {reuse: new Map([['a', 'A']])})
  const {fake, inst} = run
  t.deepEqual(run.story('a'), ['succeeded#0'])
  t.deepEqual(fnJob(fake, inst('b')).args, ['A'])
  fake.succeed(inst('b'), 'B')
  t.is(await run.ended(), 'succeeded')
})

test('an open run takes tasks while it runs and ends at close()', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}', {open: true})
  const {fake, inst, scheduler} = run
  fake.succeed(inst('a'), 'A')
  await settle()
  t.like(scheduler.counts(), {succeeded: 1})
  t.false(fake.closed, 'all done, but open')
  t.is(run.events.at(-1)?.type, 'succeeded')
  scheduler.close()
  t.is(await run.ended(), 'succeeded')
})

test('chains, claimed: a short fn job takes along the chain after it; each link is reported on its own', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: f, args: [!ref a]}\n  c: {fn: f, args: [!ref b, 3]}', {chains: true, claimChains: true, short: ['f']})
  const {fake, inst} = run
  const chain = fnJob(fake, inst('a')).chain
  t.deepEqual(chain?.links.map((l) => [l.inst, l.attempt, l.fill]), [[inst('b'), 1, [0]], [inst('c'), 1, [0]]])
  fake.succeed(inst('a'), 'A')
  fake.succeed(inst('b'), 'B')
  fake.succeed(inst('c'), 'C')
  t.is(await run.ended(), 'succeeded')
  t.is(fake.batches.length, 1, 'one hand-over for the chain')
  t.deepEqual(run.story('c'), ['ready', 'start#1', 'succeeded#1'])
})

test('chains, not claimed: the scheduler takes the links back (their attempts too) and hands each over when ready', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: f, args: [!ref a]}\n  c: {fn: f, args: [!ref b]}', {chains: true, short: ['f']})
  const {fake, inst} = run
  t.is(fnJob(fake, inst('a')).chain?.claimed, false)
  fake.succeed(inst('a'), 'A')
  await settle()
  const b = fnJob(fake, inst('b'))
  t.is(b.attempt, 1, 'the link\'s attempt was given back')
  t.deepEqual(b.args, ['A'])
  t.deepEqual(b.chain?.links.map((l) => l.inst), [inst('c')])
  fake.succeed(inst('b'), 'B')
  await settle()
  fake.succeed(inst('c'), 'C')
  t.is(await run.ended(), 'succeeded')
})

test('chains: a link that crashes drops the links after it; it is retried with them as a chain of its own', async (t) => {
  const run = fakeRun(t, '  a: {fn: f, args: [1]}\n  b: {fn: f, args: [!ref a]}\n  c: {fn: f, args: [!ref b]}', {chains: true, claimChains: true, short: ['f']})
  const {fake, inst} = run
  fake.succeed(inst('a'), 'A')
  fake.fail(inst('b'), CRASH)
  t.false(fake.live.has(inst('c')), 'the executor dropped c')
  await settle()
  const b = fnJob(fake, inst('b'))
  t.is(b.attempt, 2)
  t.deepEqual(b.chain?.links.map((l) => [l.inst, l.attempt]), [[inst('c'), 1]], 'c was not attempted')
  fake.succeed(inst('b'), 'B')
  fake.succeed(inst('c'), 'C')
  t.is(await run.ended(), 'succeeded')
  t.deepEqual(run.story('c'), ['ready', 'start#1', 'succeeded#1'])
})
