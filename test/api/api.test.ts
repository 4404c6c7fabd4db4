// The library API on real worker processes and a real store: Ray's remote/get/wait in code.
import test from 'ava'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import * as ray from '../../src/index.js'
import {getRun, listInstances, openStore} from '../../src/store/index.js'

const tasks = ray.module<typeof import('./fixtures/tasks.mjs')>(new URL('./fixtures/tasks.mjs', import.meta.url))
const arrays = ray.module<typeof import('../../graphs/arrays.mjs')>(new URL('../../graphs/arrays.mjs', import.meta.url))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test.afterEach.always(async () => {
  await ray.shutdown()
})

test.serial("the lesson's arrays: id1 and id2 side by side, so about 4 s of tasks rather than 6", async (t) => {
  const {runId} = await ray.init({numCpus: 2})
  const makeArray = arrays.remote('makeArray', {numCpus: 0.25})
  const addArrays = arrays.remote('addArrays', {numCpus: 0.25})
  const id1 = makeArray.remote(20)
  const id2 = makeArray.remote(20)
  const id3 = addArrays.remote(id1, id2)
  const [a, b, sum] = await ray.get([id1, id2, id3])
  t.true(sum instanceof Float64Array)
  t.is(sum.length, 20)
  for (let i = 0; i < 20; i++) t.is(sum[i], a[i]! + b[i]!)
  await ray.shutdown()
  // timed from the first task's start, as the workers' boot is not the point (slow under load)
  const store = openStore()
  try {
    const spans = listInstances(store, runId)
    const first = Math.min(...spans.map((i) => i.startedT!)) // bounded: 3 instances
    const last = Math.max(...spans.map((i) => i.endedT!)) // bounded: 3 instances
    const seconds = (last - first) / 1e6
    t.true(seconds < 5.5, `the tasks took ${seconds} s from first start to last end: id1 and id2 did not run side by side`)
  } finally {
    store.close()
  }
})

test.serial('wait returns as tasks finish, in the order given, and a timeout returns what is ready', async (t) => {
  await ray.init({numCpus: 3})
  const sleepy = tasks.remote('sleepy')
  // three workers up first: how long a worker takes to boot under load is not the point
  await ray.get([sleepy.remote(300, 0), sleepy.remote(300, 1), sleepy.remote(300, 2)])
  const refs = [sleepy.remote(3000, 'slow'), sleepy.remote(100, 'fast'), sleepy.remote(1500, 'mid')]
  const order: string[] = []
  let remaining = refs
  while (remaining.length > 0) {
    const r = await ray.wait(remaining, {numReturns: 1})
    t.is(r.ready.length, 1)
    order.push(String(await ray.get(r.ready[0]!)))
    remaining = r.remaining
  }
  t.deepEqual(order, ['fast', 'mid', 'slow'])

  const late = sleepy.remote(3000, 'late')
  const early = sleepy.remote(10, 'early')
  const r = await ray.wait([late, early], {numReturns: 2, timeout: 1.5})
  t.deepEqual(r.ready, [early])
  t.deepEqual(r.remaining, [late])
  const all = await ray.wait([late, early], {numReturns: 2})
  t.deepEqual(all.ready, [late, early], 'ready keeps the order of the refs given')
})

test.serial('tasks are submitted while the session runs, using results already in', async (t) => {
  const {runId} = await ray.init({numCpus: 2})
  const add = tasks.remote('add')
  let ref = add.remote(1, 1)
  for (let i = 0; i < 5; i++) {
    const value = await ray.get(ref)
    ref = value < 5 ? add.remote(ref, 1) : add.remote(ref, 10)
  }
  t.is(await ray.get(ref), 5 + 10 + 10)
  await ray.shutdown()
  const store = openStore()
  try {
    const run = getRun(store, runId)!
    t.is(run.state, 'succeeded')
    const names = listInstances(store, runId).map((i) => `${i.name}:${i.state}`)
    t.deepEqual(names, ['add_1', 'add_2', 'add_3', 'add_4', 'add_5', 'add_6'].map((n) => `${n}:succeeded`))
  } finally {
    store.close()
  }
})

test.serial('numReturns gives a ref per value, and a part is an argument like any ref', async (t) => {
  await ray.init({numCpus: 2})
  const [upper, length] = tasks.remote('split').options({numReturns: 2}).remote('rayts')
  t.is(await ray.get(upper), 'RAYTS')
  t.is(await ray.get(length), 5)
  const doubled = tasks.remote('add').remote(length, length)
  t.is(await ray.get(doubled), 10)
  t.is(String(upper), 'ObjectRef(split_1.0)')
})

test.serial('values keep their types through workers and the store', async (t) => {
  await ray.init({numCpus: 1})
  const v = await ray.get(tasks.remote('typed').remote(3))
  t.true(v.arr instanceof Float64Array)
  t.deepEqual([...v.arr], [1.5, 1.5, 1.5])
  t.is(v.map.get('k'), 1n)
  t.true(v.when instanceof Date)
  t.deepEqual([...v.set], [1, 2])
  const put = ray.put({nested: [new Uint8Array([1, 2])]})
  const back = await ray.get(put)
  t.deepEqual([...back.nested[0]!], [1, 2])
})

test.serial('a failing task throws TaskError with the remote name, message and stack; its dependents throw it too', async (t) => {
  await ray.init({numCpus: 2})
  const failed = tasks.remote('boom', {maxRetries: 0}).remote('bad input')
  const error = await t.throwsAsync(ray.get(failed), {instanceOf: ray.TaskError})
  t.is(error!.task, 'boom_1')
  t.true(error instanceof ray.RaytsError && ray.isRaytsError(error))
  t.is(error!.code, 'RAYTS_ERR_TASK')
  t.is(error!.remoteName, 'ValueError')
  t.is(error!.remoteMessage, 'bad input')
  t.regex(error!.remoteStack ?? '', /tasks\.mjs/)
  t.false(error!.timedOut)
  const dependent = tasks.remote('add').remote(failed, 1)
  const second = await t.throwsAsync(ray.get(dependent), {instanceOf: ray.TaskError})
  t.is(second!.failedInput, 'boom_1')
  t.is(second!.remoteMessage, 'bad input')
  // a task submitted after its input failed fails the same way, at once
  const later = tasks.remote('add').remote(failed, 2)
  await t.throwsAsync(ray.get(later, {timeout: 5}), {instanceOf: ray.TaskError})
})

test.serial('retries: an exception is retried with retryExceptions; a crash is WorkerCrashedError; a timeout is timedOut', async (t) => {
  await ray.init({numCpus: 2})
  const dir = mkdtempSync(join(tmpdir(), 'api-'))
  const marker = join(dir, 'once')
  t.is(await ray.get(tasks.remote('failOnce', {retryExceptions: true, maxRetries: 1}).remote(marker)), 1)
  const noRetry = tasks.remote('failOnce', {maxRetries: 5}).remote(join(dir, 'other'))
  await t.throwsAsync(ray.get(noRetry), {instanceOf: ray.TaskError, message: /first attempt fails/})
  const crashed = await t.throwsAsync(ray.get(tasks.remote('crash', {maxRetries: 0}).remote()), {instanceOf: ray.WorkerCrashedError})
  t.true(crashed!.crashed)
  t.true(crashed instanceof ray.TaskError)
  t.is(crashed!.code, 'RAYTS_ERR_WORKER_CRASHED')
  const slow = await t.throwsAsync(ray.get(tasks.remote('sleepy', {timeout: 0.3, maxRetries: 0}).remote(5000, 1)), {instanceOf: ray.TaskError})
  t.true(slow!.timedOut)
})

test.serial('maxCalls recycles the worker; get with a timeout throws GetTimeoutError', async (t) => {
  await ray.init({numCpus: 1})
  const pid = tasks.remote('pid', {maxCalls: 1})
  const a = await ray.get(pid.remote())
  const b = await ray.get(pid.remote())
  t.not(a, b)
  const slow = tasks.remote('sleepy').remote(3000, 1)
  const late = await t.throwsAsync(ray.get(slow, {timeout: 0.2}), {instanceOf: ray.GetTimeoutError})
  t.true(late instanceof ray.RaytsError)
  t.is(late!.code, 'RAYTS_ERR_GET_TIMEOUT')
})

test.serial('cancel stops a running task and kills its process; a pending one never starts', async (t) => {
  await ray.init({numCpus: 1})
  const dir = mkdtempSync(join(tmpdir(), 'api-'))
  const pidFile = join(dir, 'pid')
  const running = tasks.remote('forever').remote(pidFile)
  const queued = tasks.remote('pid').remote()
  const after = tasks.remote('add').remote(queued, 1)
  while (!existsSync(pidFile)) await sleep(20)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  ray.cancel(queued)
  ray.cancel(running)
  await t.throwsAsync(ray.get(running), {instanceOf: ray.TaskCancelledError})
  await t.throwsAsync(ray.get(queued), {instanceOf: ray.TaskCancelledError})
  await t.throwsAsync(ray.get(after), {instanceOf: ray.TaskCancelledError})
  const deadline = Date.now() + 2000
  while (alive(pid) && Date.now() < deadline) await sleep(20)
  t.false(alive(pid), 'the cancelled task\'s process is gone within 2 s')
  t.is(await ray.get(tasks.remote('add').remote(2, 3)), 5, 'the session goes on')
})

test.serial('commands: argv with refs, json output, stdin from a ref', async (t) => {
  await ray.init({numCpus: 2})
  const n = tasks.remote('add').remote(2, 3)
  const out = ray.command(['node', '-e', 'process.stdout.write(JSON.stringify({arg: process.argv[1]}))', n], {output: 'json'})
  t.deepEqual(await ray.get(out), {arg: '5'})
  const text = ray.put('b\na\n')
  const sorted = ray.command(['sort'], {stdin: text, output: 'lines'})
  t.deepEqual(await ray.get(sorted), ['a', 'b'])
  const env = ray.command('printf "%s" "$X"', {env: {X: n}})
  t.is(await ray.get(env), '5')
})

test.serial('shutdown cancels what is unfinished and ends the run; the timeline is written', async (t) => {
  const {runId} = await ray.init({numCpus: 1})
  const done = tasks.remote('add').remote(1, 2)
  t.is(await ray.get(done), 3)
  const dir = mkdtempSync(join(tmpdir(), 'api-'))
  const written = await ray.timeline(join(dir, 'trace.json'))
  t.true(written.events > 0)
  const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as {traceEvents: unknown[]}
  t.true(trace.traceEvents.length > 0)
  const unfinished = tasks.remote('sleepy').remote(10_000, 1)
  await ray.shutdown()
  const cancelled = await t.throwsAsync(ray.get(unfinished), {instanceOf: ray.TaskCancelledError})
  t.is(cancelled!.code, 'RAYTS_ERR_TASK_CANCELLED')
  const store = openStore()
  try {
    t.is(getRun(store, runId)!.state, 'cancelled')
  } finally {
    store.close()
  }
  t.throws(() => ray.remote(new URL('./fixtures/tasks.mjs', import.meta.url), 'add').remote(unfinished, 1), {instanceOf: ray.RaytsError, message: /another session/})
})

test.serial('bad calls are clear errors, thrown at once', async (t) => {
  await ray.init({numCpus: 1})
  const misuse = t.throws(() => tasks.remote('add', {numCpu: 1} as never), {instanceOf: ray.RaytsError, message: /unknown option "numCpu"/})
  t.is(misuse!.name, 'RaytsError')
  t.is(misuse!.code, 'RAYTS_ERR_USAGE')
  t.throws(() => tasks.remote('add', {numReturns: 0}), {instanceOf: ray.RaytsError, message: /numReturns must be an integer ≥ 1/})
  t.throws(() => tasks.remote('add', {timeout: -1}), {instanceOf: ray.RaytsError, message: /timeout/})
  t.throws(() => ray.remote(new URL('./fixtures/missing.mjs', import.meta.url), 'x'), {instanceOf: ray.RaytsError, message: /no module file/})
  t.throws(() => tasks.remote('add', {resources: {gpu: 1}}).remote(1, 2), {instanceOf: ray.RaytsError, message: /gpu/})
  const a = tasks.remote('add').remote(1, 1)
  await t.throwsAsync(ray.wait([a], {numReturns: 2}), {instanceOf: ray.RaytsError, message: /more than the 1 refs/})
  await t.throwsAsync(ray.wait([a, a]), {instanceOf: ray.RaytsError, message: /given twice/})
  await t.throwsAsync(ray.init(), {instanceOf: ray.RaytsError, message: /already running/})
  t.throws(() => ray.command([]), {instanceOf: ray.RaytsError})
})

test.serial('what a call meets inside rayts leaves as a RaytsError, the original as its cause', async (t) => {
  await ray.init({numCpus: 1})
  const error = await t.throwsAsync(ray.timeline(join(tmpdir(), 'no-such-folder-of-rayts', 'trace.json')), {instanceOf: ray.RaytsError, message: /ENOENT/})
  t.is(error!.code, 'RAYTS_ERR_SYSTEM')
  t.is((error!.cause as NodeJS.ErrnoException).code, 'ENOENT')
})

test.serial('init on an unusable store throws a StoreError, a RaytsError', async (t) => {
  const home = process.env.RAYTS_HOME
  const file = join(mkdtempSync(join(tmpdir(), 'api-')), 'a-file')
  writeFileSync(file, '')
  process.env.RAYTS_HOME = join(file, 'home') // under a file: no folder can be made there
  try {
    const error = await t.throwsAsync(ray.init({numCpus: 1}), {instanceOf: ray.StoreError, message: /cannot create the run store folder/})
    t.true(error instanceof ray.RaytsError)
    t.is(error!.code, 'RAYTS_ERR_STORE')
  } finally {
    process.env.RAYTS_HOME = home
  }
})

const shapes = ray.module<typeof import('../objects/fixtures/shapes.mjs')>(new URL('../objects/fixtures/shapes.mjs', import.meta.url))

test.serial('cyclic values: a result comes back from get and goes to a dependent, a put value too; a deep result is a TaskError naming the limit', async (t) => {
  await ray.init({numCpus: 1})
  const o = shapes.remote('cyclic').remote('object') as ray.ObjectRef<{self: unknown}>
  const got = await ray.get(o)
  t.is(got.self, got)
  const a = shapes.remote('cyclic').remote('array')
  const m = shapes.remote('cyclic').remote('map')
  t.is(await ray.get(shapes.remote('cycles').remote(o, [a, {ms: m}] as never)), 'cycles kept')
  const mine: Record<string, unknown> = {n: 1}
  mine.me = mine
  const put = ray.put(mine)
  const back = (await ray.get(put)) as Record<string, unknown>
  t.is(back.me, back)
  const echoed = (await ray.get(shapes.remote('id').remote([put, mine]))) as [Record<string, unknown>, Record<string, unknown>]
  t.is(echoed[0].me, echoed[0])
  t.is(echoed[1].me, echoed[1])
  const error = await t.throwsAsync(ray.get(shapes.remote('deep').remote('object', 2000)), {instanceOf: ray.TaskError})
  t.is(error.remoteName, 'RangeError')
  t.regex(error.remoteMessage, /nests more than 1000 levels deep/)
})

test.serial('put and arguments refuse, at the call, what cannot reach a task; init and wait refuse bad options', async (t) => {
  const {runId} = await ray.init({numCpus: 1})
  const id = shapes.remote('id')
  const one = ray.put(1)
  t.throws(() => ray.put(() => 1), {instanceOf: ray.RaytsError, message: 'put: the value is a function, which cannot be sent to a task (structured clone)'})
  t.throws(() => ray.put(Symbol('s')), {instanceOf: ray.RaytsError, message: /put: the value is a symbol/})
  t.throws(() => ray.put({one}), {instanceOf: ray.RaytsError, message: /put: the value holds ObjectRef\(put_1\): a put value cannot hold refs/})
  t.throws(() => id.remote(new Map([['k', one]])), {instanceOf: ray.RaytsError, message: 'id: argument 1 holds ObjectRef(put_1) inside a Map: refs are found in arrays and plain objects only'})
  t.throws(() => id.remote([new Set([one])]), {instanceOf: ray.RaytsError, message: /inside a Set/})
  class Box {
    constructor(readonly ref: unknown) {}
  }
  t.throws(() => id.remote({box: new Box(one)}), {instanceOf: ray.RaytsError, message: /inside a Box/})
  t.throws(() => id.remote({f: () => 1}), {instanceOf: ray.RaytsError, message: 'id: argument 1 holds a function, which cannot be sent to a task (structured clone)'})
  let deep: unknown = one
  for (let i = 0; i < 2000; i++) deep = [deep]
  t.throws(() => id.remote(deep), {instanceOf: ray.RaytsError, message: /id: argument 1 nests more than 1000 levels deep/})
  // what passes the checks and still does not clone fails its task, not this process
  const {port1, port2} = new MessageChannel()
  const error = await t.throwsAsync(ray.get(id.remote(port1)), {instanceOf: ray.TaskError})
  t.regex(error.message, /arguments of id_\d+ cannot be sent/)
  port1.close()
  port2.close()
  await t.throwsAsync(ray.init({bogus: 1} as never), {instanceOf: ray.RaytsError, message: /init: unknown option "bogus"/})
  await t.throwsAsync(ray.wait([one], {numReturns: 0}), {instanceOf: ray.RaytsError, message: 'wait: numReturns must be an integer ≥ 1, not 0'})
  t.is(await ray.get(id.remote([one, {one}])).then((v) => JSON.stringify(v)), '[1,{"one":1}]')
  await ray.shutdown()
  // a new session names its first put put_1 again: the message must be about the old one
  const neu = ray.put(2)
  const old = `ObjectRef(put_1) belongs to another session (run ${runId}, which was shut down)`
  await t.throwsAsync(ray.wait([one, neu]), {instanceOf: ray.RaytsError, message: old})
  await t.throwsAsync(ray.wait([neu, one]), {instanceOf: ray.RaytsError, message: old})
  await t.throwsAsync(ray.get([neu, one]), {instanceOf: ray.RaytsError, message: old})
})
