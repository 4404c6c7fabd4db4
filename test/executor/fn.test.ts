import test from 'ava'
import {createLocalExecutor} from '../../src/executor/index.js'
import type {Executor} from '../../src/executor/types.js'
import {fixture, fnJob, RecordingSink} from './helpers.js'

// one executor for the whole file: warm workers, as in a run
const rec = new RecordingSink()
let ex: Executor
let inst = 0
test.before(() => {
  ex = createLocalExecutor(rec.sink)
})
test.after.always(async () => {
  await ex?.close()
})

async function run(exportName: string, args: unknown[] = [], extra = {}) {
  const i = inst++
  ex.submit([fnJob(i, exportName, args, extra)])
  await rec.waitDone(rec.done.length + 1)
  return rec.outcome(i)
}

test.serial('values of every cloneable kind round-trip intact', async (t) => {
  const value = {
    f64: new Float64Array([1.5, -2, Math.PI]),
    u8: new Uint8Array([1, 2, 255]),
    buf: Buffer.from('bytes'),
    map: new Map<unknown, unknown>([['a', 1], [2, new Set(['x'])]]),
    set: new Set([1, 'two']),
    date: new Date('2024-01-02T03:04:05Z'),
    big: 12345678901234567890n,
    nested: [null, true, 'text', {deep: [1.25]}],
  }
  const out = await run('echo', [value])
  t.true(out.ok)
  if (!out.ok) return
  const v = out.value as typeof value
  t.true(v.f64 instanceof Float64Array)
  t.deepEqual([...v.f64], [1.5, -2, Math.PI])
  t.true(v.u8 instanceof Uint8Array)
  t.true(Buffer.isBuffer(v.buf), 'a Buffer stays a Buffer')
  t.is(Buffer.from(v.buf).toString(), 'bytes')
  t.true(v.map instanceof Map)
  t.true(v.map.get(2) instanceof Set)
  t.true(v.set instanceof Set)
  t.true(v.date instanceof Date)
  t.is(v.date.toISOString(), '2024-01-02T03:04:05.000Z')
  t.is(v.big, 12345678901234567890n)
  t.deepEqual(v.nested, value.nested)
})

test.serial('a result that cannot be cloned is an error naming its type', async (t) => {
  const fn = await run('returnFunction')
  t.like(fn, {ok: false, error: {kind: 'error', name: 'TypeError'}})
  if (!fn.ok) t.regex(fn.error.message, /^result of returnFunction\[\d+\] cannot be sent: a function is not cloneable$/)
  const sym = await run('returnNested')
  if (!sym.ok) t.regex(sym.error.message, /a symbol is not cloneable/)
  else t.fail('a symbol in a Map must not clone')
})

test.serial('a thrown ValueError keeps its name, message and worker-side stack', async (t) => {
  const out = await run('throwValueError', ['bad value'])
  t.false(out.ok)
  if (out.ok) return
  t.is(out.error.kind, 'error')
  t.is(out.error.name, 'ValueError')
  t.is(out.error.message, 'bad value')
  t.regex(out.error.stack ?? '', /throwValueError/)
  t.regex(out.error.stack ?? '', /tasks\.mjs/)
  const str = await run('throwString')
  t.like(str, {ok: false, error: {kind: 'error', name: 'Error'}})
  if (!str.ok) t.regex(str.error.message, /plain string/)
})

test.serial('num_returns: an array of that many values, else an error', async (t) => {
  t.like(await run('pair', [3, 4], {numReturns: 2}), {ok: true, value: [7, 12]})
  const bad = await run('wrongArity', [], {numReturns: 2})
  t.like(bad, {ok: false, error: {kind: 'error'}})
  if (!bad.ok) t.regex(bad.error.message, /array of 2 values/)
})

test.serial('a batch runs in order on one worker; each job reports started and done', async (t) => {
  const first = inst
  const jobs = Array.from({length: 64}, (_, k) => fnJob(inst++, 'square', [k]))
  ex.submit(jobs)
  await rec.waitDone(rec.done.length + 64)
  const outs = jobs.map((j) => rec.outcome(j.inst))
  t.deepEqual(
    outs.map((o) => (o.ok ? o.value : null)),
    jobs.map((_, k) => k * k),
  )
  t.is(new Set(outs.map((o) => o.pid)).size, 1)
  for (let k = 1; k < outs.length; k++) t.true(outs[k]!.startedAt >= outs[k - 1]!.endedAt)
  const started = rec.started.filter((s) => s.inst >= first && s.inst < first + 64)
  t.is(started.length, 64)
  t.deepEqual(started.map((s) => s.at), outs.map((o) => o.startedAt))
})

test.serial('what a task prints is its log, not the parent stdout', async (t) => {
  const writes: string[] = []
  const original = process.stdout.write
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    writes.push(String(chunk))
    return (original as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest)
  }) as typeof process.stdout.write
  try {
    const i = inst
    const out = await run('chatty', [42])
    t.like(out, {ok: true, value: 42})
    t.is(rec.logText(i, 'stdout'), 'hello from 42\n')
    t.is(rec.logText(i, 'stderr'), 'warn 42\n')
  } finally {
    process.stdout.write = original
  }
  t.false(writes.some((w) => w.includes('hello from')))
})

test.serial('TypeScript and CommonJS modules load', async (t) => {
  t.like(await run('norm2', [{x: 3, y: 4}], {module: fixture('typed.ts')}), {ok: true, value: 25})
  t.like(await run('triple', [5], {module: fixture('common.cjs')}), {ok: true, value: 15})
  const missing = await run('nope', [], {module: fixture('common.cjs')})
  t.like(missing, {ok: false, error: {kind: 'error', name: 'TypeError'}})
})

test.serial('env additions and cwd apply to the job only', async (t) => {
  t.like(await run('envVar', ['RAYTS_TEST_VAR'], {env: {RAYTS_TEST_VAR: 'on'}}), {ok: true, value: 'on'})
  t.like(await run('envVar', ['RAYTS_TEST_VAR']), {ok: true, value: null})
  t.like(await run('cwd', [], {cwd: '/tmp'}), {ok: true, value: '/tmp'})
})

test.serial('max_calls 2 with 6 calls: exactly 3 workers, retired as max_calls', async (t) => {
  const jobs = Array.from({length: 6}, () => fnJob(inst++, 'pid', [], {maxCalls: 2}))
  ex.submit(jobs)
  await rec.waitDone(rec.done.length + 6)
  const pids = jobs.map((j) => {
    const o = rec.outcome(j.inst)
    return o.ok ? (o.value as number) : -1
  })
  t.is(new Set(pids).size, 3)
  t.is(pids[0], pids[1])
  t.is(pids[2], pids[3])
  t.is(pids[4], pids[5])
  // each replacement was started when its predecessor got its last call, before it ran it
  const startAt = new Map(rec.events.flatMap((e) => (e.type === 'worker-start' ? [[e.pid, e.t] as const] : [])))
  t.true(startAt.get(pids[2]!)! <= rec.outcome(jobs[1]!.inst).startedAt)
  t.true(startAt.get(pids[4]!)! <= rec.outcome(jobs[3]!.inst).startedAt)
  // a retired worker's exit is reported when the process has gone: slow on a loaded machine
  const retired = (): number[] => rec.events.flatMap((e) => (e.type === 'worker-exit' && e.reason === 'max_calls' ? [e.pid] : []))
  for (let waited = 0; waited < 15_000 && ![...new Set(pids)].every((pid) => retired().includes(pid)); waited += 50) {
    await new Promise((r) => setTimeout(r, 50))
  }
  for (const pid of new Set(pids)) t.true(retired().includes(pid), `worker ${pid} retired`)
})
