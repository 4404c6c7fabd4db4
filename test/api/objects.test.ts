// A library session has the object store of a `rayts run`: a big result stays in its worker's
// file in /dev/shm, a consumer task reads it there, the store records a reference, `get`
// reads it back, and nothing stays in /dev/shm after shutdown. RAYTS_OBJECTS=off (every value
// through this process) gives the same values.
import test from 'ava'
import {execa} from 'execa'
import {existsSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import * as ray from '../../src/index.js'
import {getRun, openStore} from '../../src/store/index.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const tasks = ray.module<typeof import('./fixtures/tasks.mjs')>(new URL('./fixtures/tasks.mjs', import.meta.url))
const N = 131_072 // 1 MiB of doubles
const SHM = '/dev/shm'

const sumOf = (n: number, seed: number): number => (seed * (n - 1) * n) / 2
const hotDirs = (runId: string): string[] => (existsSync(SHM) ? readdirSync(SHM).filter((d) => d.startsWith(`rayts-${runId}-`)) : [])

function storedBytes(runId: string): Map<string, number> {
  const store = openStore()
  try {
    syncInstanceRows(store, runId)
    const rows = store.db.prepare('SELECT name, length(value) AS n FROM instances WHERE run_id = ?').all(runId) as {name: string; n: number | null}[]
    return new Map(rows.map((r) => [r.name, r.n ?? 0]))
  } finally {
    store.close()
  }
}

function keptObjects(runId: string): string[] {
  const dir = join(process.env.RAYTS_HOME!, 'blobs', runId, 'objects')
  return existsSync(dir) ? readdirSync(dir) : []
}

test.afterEach.always(async () => {
  delete process.env.RAYTS_OBJECTS
  await ray.shutdown()
})

async function session(): Promise<{runId: string; values: {a: Float64Array; b: Float64Array; sumA: unknown; sumB: unknown; fromPut: unknown[]}; hot: string[]}> {
  const {runId} = await ray.init({numCpus: 2})
  const ramp = tasks.remote('ramp')
  const total = tasks.remote('total')
  // two different big values: neither may come back as the other
  const a = ramp.remote(N, 1)
  const b = ramp.remote(N, 3)
  const sumA = total.remote(a)
  const sumB = total.remote(b)
  const shared = ray.put(new Float64Array(N).fill(2))
  const fromPut = [total.remote(shared), total.remote(shared)]
  const [va, vb, sa, sb] = await ray.get([a, b, sumA, sumB])
  const vp = await ray.get(fromPut)
  const hot = hotDirs(runId)
  return {runId, values: {a: va, b: vb, sumA: sa, sumB: sb, fromPut: vp}, hot}
}

test.serial('big results and a big put go through the object store: consumers read them there, get reads them back, /dev/shm is empty after shutdown', async (t) => {
  const {runId, values, hot} = await session()
  t.true(values.a instanceof Float64Array && values.a.length === N)
  t.is(values.a[N - 1], N - 1)
  t.is(values.b[N - 1], 3 * (N - 1))
  t.deepEqual(values.sumA, {sum: sumOf(N, 1), type: 'Float64Array', length: N})
  t.deepEqual(values.sumB, {sum: sumOf(N, 3), type: 'Float64Array', length: N})
  t.deepEqual(values.fromPut, [{sum: 2 * N, type: 'Float64Array', length: N}, {sum: 2 * N, type: 'Float64Array', length: N}])
  if (existsSync(SHM)) {
    t.is(hot.filter((n) => !n.includes('.a-')).length, 1, 'the session has one hot folder while it runs')
    t.true(hot.some((n) => n.includes('.a-')), 'and its workers\' arenas beside it')
  }

  await ray.shutdown()
  t.deepEqual(hotDirs(runId), [], 'nothing left in /dev/shm')
  // the store holds references (about a hundred bytes), not the megabyte arrays
  const bytes = storedBytes(runId)
  for (const name of ['ramp_1', 'ramp_2', 'put_1']) t.true((bytes.get(name) ?? 0) < 1000, `${name}: ${bytes.get(name)} bytes stored`)
  const kept = keptObjects(runId).length
  t.true(kept >= 2 && kept <= 3, `${kept} files: the arenas (one per writer) holding the two results and the put value are kept under $RAYTS_HOME`)
})

test.serial('a ref got after shutdown is read from the kept objects', async (t) => {
  await ray.init({numCpus: 1})
  const ref = tasks.remote('ramp').remote(N, 5)
  await ray.wait([ref])
  await ray.shutdown()
  const value = await ray.get(ref)
  t.is(value.length, N)
  t.is(value[N - 1], 5 * (N - 1))
})

test.serial('get of a value whose object is gone throws an ObjectError, a RaytsError', async (t) => {
  const {runId} = await ray.init({numCpus: 1})
  const ref = tasks.remote('ramp').remote(N, 5)
  await ray.wait([ref])
  await ray.shutdown()
  rmSync(join(process.env.RAYTS_HOME!, 'blobs', runId, 'objects'), {recursive: true})
  const error = await t.throwsAsync(ray.get(ref), {instanceOf: ray.ObjectError, message: /missing/})
  t.true(error instanceof ray.RaytsError && ray.isRaytsError(error))
  t.is(error!.code, 'RAYTS_ERR_OBJECT')
})

test.serial('RAYTS_OBJECTS=off: the same values, every one through this process, nothing in /dev/shm', async (t) => {
  const on = await session()
  await ray.shutdown()
  process.env.RAYTS_OBJECTS = 'off'
  const off = await session()
  t.deepEqual(off.hot, [])
  t.deepEqual(off.values, on.values)
  await ray.shutdown()
  t.deepEqual(keptObjects(off.runId), [], 'no object: the values themselves were recorded')
})

test.serial('init checks objectStoreMemory', async (t) => {
  await t.throwsAsync(ray.init({objectStoreMemory: -1}), {message: /objectStoreMemory must be a whole number of bytes > 0, not -1/})
  await t.throwsAsync(ray.init({objectStoreMemory: 1.5}), {message: /not 1.5/})
})

const ENDINGS = {exit: 'process.exit', signal: 'SIGTERM', 'signal-uncaught': 'SIGTERM it handles, then an uncaught TaskCancelledError mid-shutdown'} as const
for (const mode of Object.keys(ENDINGS) as (keyof typeof ENDINGS)[]) {
  test.serial(`a program that ends its session by ${ENDINGS[mode]} leaves nothing in /dev/shm and keeps the recorded object`, async (t) => {
    const child = execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'exit-session.ts'), mode], {reject: false, buffer: {stdout: false}})
    const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(String(d).trim())))
    const [runId, length] = line.split(' ')
    t.is(length, String(N))
    if (mode !== 'exit') child.kill('SIGTERM')
    const ended = await child
    if (mode === 'exit') t.is(ended.exitCode, 3)
    else if (mode === 'signal') t.is(ended.signal, 'SIGTERM', 'it dies of the signal, as it would without a session')
    else t.regex(String(ended.stderr), /TaskCancelledError: sleepy_1 was cancelled/)
    t.deepEqual(hotDirs(runId!), [], 'nothing left in /dev/shm')
    t.is(keptObjects(runId!).length, 1, 'the recorded result is kept')
    const store = openStore()
    try {
      t.is(getRun(store, runId!)?.state, 'cancelled')
    } finally {
      store.close()
    }
  })
}
