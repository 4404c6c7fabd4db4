import test from 'ava'
import {createLocalExecutor} from '../../src/executor/index.js'
import {alive, delay, eventually, fnJob, RecordingSink} from './helpers.js'

async function withExecutor(fn: (rec: RecordingSink, ex: ReturnType<typeof createLocalExecutor>) => Promise<void>) {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    await fn(rec, ex)
  } finally {
    await ex.close()
  }
}

async function startedPid(rec: RecordingSink, inst: number): Promise<number> {
  for (;;) {
    const s = rec.started.find((x) => x.inst === inst)
    if (s?.pid) return s.pid
    await delay(10)
  }
}

test.serial('kill -9 of a worker mid-job: the job crashes and the worker is replaced', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'sleepThenPid', [5000])])
    const pid = await startedPid(rec, 0)
    await delay(100)
    process.kill(pid, 'SIGKILL')
    await rec.waitDone(1)
    const out = rec.outcome(0)
    t.like(out, {ok: false, pid, error: {kind: 'crash', name: 'CrashError', signal: 'SIGKILL'}})
    if (!out.ok) t.regex(out.error.message, new RegExp(`worker ${pid} was killed by SIGKILL`))
    t.true(rec.events.some((e) => e.type === 'worker-exit' && e.pid === pid && e.reason === 'crash'))
    ex.submit([fnJob(1, 'pid')])
    await rec.waitDone(2)
    const next = rec.outcome(1)
    t.true(next.ok && next.value !== pid)
  })
})

test.serial('a batch interrupted by a crash reruns its unstarted jobs on another worker', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'pid'), fnJob(1, 'killSelfAfter', [50]), fnJob(2, 'pid'), fnJob(3, 'square', [3])])
    await rec.waitDone(4)
    const first = rec.outcome(0)
    t.true(first.ok)
    t.like(rec.outcome(1), {ok: false, error: {kind: 'crash', signal: 'SIGKILL'}})
    const third = rec.outcome(2)
    t.true(third.ok && third.value !== (first.ok && first.value))
    t.like(rec.outcome(3), {ok: true, value: 9})
    t.deepEqual(rec.done.map((o) => o.inst), [0, 1, 2, 3])
  })
})

for (const [exportName, origin, name] of [
  ['throwInTimer', 'uncaught exception', 'Error'],
  ['rejectUnawaited', 'unhandled rejection', 'TypeError'],
] as const) {
  test.serial(`an ${origin} ends the worker as a crash that carries its cause, and its log has it`, async (t) => {
    await withExecutor(async (rec, ex) => {
      ex.submit([fnJob(0, exportName, ['the real cause'])])
      await rec.waitDone(1)
      const out = rec.outcome(0)
      t.like(out, {ok: false, error: {kind: 'crash', name: 'CrashError'}})
      if (out.ok) return
      t.is(out.error.message, `worker ${out.pid} exited on an ${origin} while running ${exportName}[0]: ${name}: the real cause`)
      // its stack, cut to the task's own frames
      const stack = out.error.stack ?? ''
      t.true(stack.startsWith(`${name}: the real cause\n`), stack)
      t.regex(stack, /\n\s+at .*tasks\.mjs:\d+:\d+\)?$/)
      t.notRegex(stack, /node:internal/)
      const prefix = origin === 'uncaught exception' ? 'Uncaught' : 'Unhandled rejection:'
      t.true(rec.logText(0, 'stderr').startsWith(`${prefix} ${name}: the real cause\n    at `), rec.logText(0, 'stderr'))
      t.true(await eventually(() => rec.events.some((e) => e.type === 'worker-exit' && e.pid === out.pid && e.reason === 'crash')))
    })
  })
}

test.serial('task code that listens for uncaught exceptions itself keeps its worker alive, as in node', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'handleOwnErrors')])
    await rec.waitDone(1)
    t.like(rec.outcome(0), {ok: true, value: 'survived'})
  })
})

test.serial('a crashed attempt keeps its real start: alone, and after another job of its batch', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'exitAfter', [400, 5])])
    await rec.waitDone(1)
    const alone = rec.outcome(0)
    t.like(alone, {ok: false, error: {kind: 'crash', message: `worker ${alone.pid} exited with code 5 while running exitAfter[0]`}})
    t.true(alone.endedAt - alone.startedAt >= 400_000, `ran ${alone.endedAt - alone.startedAt} µs`)

    ex.submit([fnJob(1, 'sleep', [300]), fnJob(2, 'exitAfter', [400, 5])])
    await rec.waitDone(3)
    const first = rec.outcome(1)
    const crashed = rec.outcome(2)
    t.true(first.ok && crashed.pid === first.pid)
    t.is(crashed.startedAt, first.endedAt)
    t.true(crashed.endedAt - crashed.startedAt >= 400_000, `ran ${crashed.endedAt - crashed.startedAt} µs`)
  })
})

test.serial('a fn job that outlives its timeout: its worker is killed, TimeoutError', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'noop')]) // warm a worker so the timeout measures the job
    await rec.waitDone(1)
    const t0 = Date.now()
    ex.submit([fnJob(1, 'block', [], {timeout: 0.5})])
    await rec.waitDone(2)
    const elapsed = Date.now() - t0
    const out = rec.outcome(1)
    t.like(out, {ok: false, error: {kind: 'timeout', name: 'TimeoutError', message: 'timed out after 0.5 s'}})
    t.true(elapsed >= 450 && elapsed < 3000, `took ${elapsed} ms`)
    t.true(await eventually(() => !alive(out.pid!)), `worker ${out.pid} still alive`)
    t.true(await eventually(() => rec.events.some((e) => e.type === 'worker-exit' && e.pid === out.pid && e.reason === 'timeout')))
  })
})

test.serial('cancel: a running fn job kills its worker; a queued one is dropped', async (t) => {
  await withExecutor(async (rec, ex) => {
    ex.submit([fnJob(0, 'block')])
    const pid = await startedPid(rec, 0)
    ex.submit([fnJob(1, 'sleep', [300]), fnJob(2, 'square', [2]), fnJob(3, 'square', [3])])
    ex.cancel(3)
    await delay(100)
    ex.cancel(0)
    await rec.waitDone(4)
    t.like(rec.outcome(0), {ok: false, error: {kind: 'cancelled'}})
    t.like(rec.outcome(3), {ok: false, error: {kind: 'cancelled'}})
    t.like(rec.outcome(1), {ok: true, value: 300})
    t.like(rec.outcome(2), {ok: true, value: 4})
    t.true(await eventually(() => !alive(pid)), `worker ${pid} still alive`)
    t.true(await eventually(() => rec.events.some((e) => e.type === 'worker-exit' && e.pid === pid && e.reason === 'cancel')))
  })
})

test.serial('close() kills busy and idle workers and resolves when they are gone; idempotent', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  ex.submit([fnJob(0, 'noop')])
  await rec.waitDone(1)
  ex.submit([fnJob(1, 'block')])
  ex.submit([fnJob(2, 'sleep', [10000])])
  while (rec.started.length < 3) await delay(10)
  await delay(50)
  const pids = rec.events.filter((e) => e.type === 'worker-start').map((e) => e.pid)
  t.true(pids.length >= 2)
  await Promise.all([ex.close(), ex.close()])
  await ex.close()
  for (const pid of pids) t.false(alive(pid), `worker ${pid} is gone`)
  t.is(rec.done.length, 1, 'nothing is reported after close')
})
