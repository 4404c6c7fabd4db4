// The object store through `rayts run`: values move between workers through /dev/shm,
// `get` and `--resume` read them back, and nothing stays in /dev/shm after a run ends,
// is cancelled or is lost. Real runs, real signals, real files.
import test from 'ava'
import {execa, type Options, type ResultPromise} from 'execa'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {getRun, loadValue, openStore, reconcileRuns, readEvents} from '../../src/store/index.js'
import {getInstance, resolveRunId} from '../../src/store/query/runs.js'
import {pidAlive} from '../../src/store/upkeep/processes.js'
import {dropHotFolders} from '../setup/hot-folders.js'
import {until} from '../helpers/poll.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEV = join(ROOT, 'bin/dev.js')
const MODULE = join(ROOT, 'test/objects/fixtures/objects.mjs')
const SHM = '/dev/shm'

function cli(home: string, args: string[], env: Record<string, string> = {}, options: Options = {}) {
  return execa('node', ['--import', 'tsx', DEV, ...args], {
    cwd: ROOT,
    env: {RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', ...env},
    reject: false,
    ...options,
  })
}

function setup(t: {teardown(f: () => void): void}): {dir: string; home: string; graph(body: string): string} {
  const dir = mkdtempSync(join(tmpdir(), 'objects-run-'))
  const home = join(dir, 'home')
  t.teardown(() => {
    dropHotFolders(home)
    rmSync(dir, {recursive: true, force: true})
  })
  return {
    dir,
    home,
    graph(body: string): string {
      const file = join(dir, `g${Math.random().toString(36).slice(2)}.yaml`)
      writeFileSync(file, `version: 1\nmodule: ${MODULE}\n${body}`)
      return file
    },
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))


function lastRun(home: string): string {
  const store = openStore(home)
  try {
    return resolveRunId(store, 'last')
  } finally {
    store.close()
  }
}

/** the run's hot folder and arenas in /dev/shm (their names start with the run id) */
function hotDirs(runId: string): string[] {
  return readdirSync(SHM).filter((n) => n.startsWith(`rayts-${runId}-`)).map((n) => join(SHM, n))
}

function keptObjects(home: string, runId: string): string[] {
  const dir = join(home, 'blobs', runId, 'objects')
  return existsSync(dir) ? readdirSync(dir) : []
}

function killTree(proc: ResultPromise): void {
  proc.kill('SIGKILL')
}

const KINDS = ['Float64Array', 'Int32Array', 'Uint8Array', 'BigInt64Array', 'Buffer', 'Map', 'Set', 'BigInt', 'Date', 'nested']

test.serial('values of every type move between workers and come back from the store identical; /dev/shm is empty after', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {home, graph} = setup(t)
  const lines = ['tasks:']
  for (const k of KINDS) {
    lines.push(`  p${k}: { fn: make, args: [${k}] }`)
    lines.push(`  c${k}: { fn: same, args: [!ref p${k}, ${k}] }`)
  }
  lines.push('  parts: { fn: make, args: [parts], num_returns: 3 }')
  lines.push('  cparts: { fn: same, args: [!ref parts, parts] }')
  lines.push('  part0: { fn: length, args: [!ref parts.0] }')
  lines.push('  part2: { fn: length, args: [!ref parts.2] }')
  lines.push(`outputs: [${[...KINDS.map((k) => `c${k}`), 'cparts', 'part0', 'part2'].join(', ')}]`)
  const file = graph(lines.join('\n') + '\n')
  const r = await cli(home, ['run', file, '--json'])
  t.is(r.exitCode, 0, String(r.stderr))
  const results = new Map(String(r.stdout).trim().split('\n').map((l) => JSON.parse(l) as {instance: string; value: unknown}).map((o) => [o.instance, o.value]))
  for (const k of [...KINDS, 'parts']) t.is(results.get(`c${k}`), true, `the consumer of ${k} got it identical`)
  t.is(results.get('part0'), 50_000)
  t.is(results.get('part2'), 200_000)

  const runId = lastRun(home)
  t.deepEqual(hotDirs(runId), [], 'nothing left in /dev/shm')
  t.false(existsSync(join(home, 'objects-live', `${runId}.json`)))
  t.true(keptObjects(home, runId).length >= 1, 'the results the store refers to are kept on disk (their arenas)')
  const {make} = (await import(MODULE)) as {make(kind: string): unknown}
  const store = openStore(home)
  t.teardown(() => store.close())
  for (const k of KINDS) t.deepEqual(loadValue(store, runId, `p${k}`), make(k), `get ${k}`)
  t.deepEqual(loadValue(store, runId, 'parts'), make('parts'))
  const raw = store.db.prepare('SELECT length(value) AS n FROM instances WHERE run_id = ? AND name = ?').get(runId, 'pFloat64Array') as {n: number}
  t.true(raw.n < 400, `the run store holds a reference (${raw.n} bytes), not the 400 kB value`)
})

test.serial('while a run is live its folder is 0700 and its objects 0600; Ctrl-C leaves nothing in /dev/shm', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {dir, home, graph} = setup(t)
  const marker = join(dir, 'started')
  const file = graph(`tasks:\n  a: { fn: make, args: [Float64Array] }\n  b: { fn: slowSum, args: [!ref a, ${marker}] }\n`)
  const proc = cli(home, ['run', file])
  t.teardown(() => killTree(proc))
  await until('the consumer to start', () => existsSync(marker), 180_000)
  const runId = lastRun(home)
  const [hot, ...arenas] = hotDirs(runId).sort()
  t.truthy(hot)
  t.regex(hot!, new RegExp(`^/dev/shm/rayts-${runId}-[0-9a-f]{24}$`), 'an unpredictable name')
  t.is(statSync(hot!).mode & 0o777, 0o700)
  // the producer's object sits in its worker's arena, a sibling of the folder
  t.is(arenas.length, 1)
  t.regex(arenas[0]!, new RegExp(`^${hot}\\.a-[0-9a-z]+-[0-9a-f]{8}-0$`))
  t.true(statSync(arenas[0]!).isFile())
  t.is(statSync(arenas[0]!).mode & 0o777, 0o600)
  proc.kill('SIGINT')
  const r = await proc
  t.is(r.exitCode, 130)
  t.deepEqual(hotDirs(runId), [], 'nothing left in /dev/shm after a cancelled run')
  t.is(keptObjects(home, runId).length, 1, 'the finished producer\'s object is kept for --resume')
})

test.serial('a failed run leaves nothing in /dev/shm either: its arenas go with its hot folder, a succeeded result is kept', async (t) => {
  const {home, graph} = setup(t)
  const file = graph(`tasks:\n  a: { fn: make, args: [Float64Array] }\n  b: { fn: length, args: [null], after: [a] }\n`)
  const r = await cli(home, ['run', file])
  t.is(r.exitCode, 1, String(r.stderr))
  const runId = lastRun(home)
  t.deepEqual(hotDirs(runId), [], 'no folder and no arena left')
  t.is(keptObjects(home, runId).length, 1, 'a\'s object kept on disk')
})

test.serial('kill -9 of the runner: a later command settles /dev/shm, and --resume reuses the stored object without rerunning', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {dir, home, graph} = setup(t)
  const marker = join(dir, 'started')
  const counter = join(dir, 'counter')
  const file = graph(`tasks:\n  a: { fn: counted, args: [100000, ${counter}] }\n  b: { fn: slowSum, args: [!ref a, ${marker}] }\noutputs: [b]\n`)
  const proc = cli(home, ['run', file])
  t.teardown(() => killTree(proc))
  await until('the consumer to start', () => existsSync(marker), 180_000)
  const runId = lastRun(home)
  const workerPid = Number(readFileSync(marker, 'utf8'))
  const store0 = openStore(home)
  try {
    await until('the recorder to store a\'s result', () => getInstance(store0, runId, 'a')?.hasValue === true, 60_000)
  } finally {
    store0.close()
  }
  proc.kill('SIGKILL')
  await proc
  t.is(hotDirs(runId).length, 2, 'the dead runner left its folder and its worker\'s arena')
  await until('its worker to exit', () => !pidAlive(workerPid), 10_000)

  const store = openStore(home)
  t.teardown(() => store.close())
  t.deepEqual(reconcileRuns(store), [runId])
  t.is(getRun(store, runId)!.state, 'lost')
  t.deepEqual(hotDirs(runId), [], 'nothing left in /dev/shm after a lost run is found')
  t.is(keptObjects(home, runId).length, 1, 'a\'s object moved to disk')

  const r = await cli(home, ['run', '--resume', runId])
  t.is(r.exitCode, 0, String(r.stderr))
  t.regex(String(r.stdout), /150000/)
  t.is(readFileSync(counter, 'utf8'), 'x\n', 'a ran once: its stored object was reused')
  t.deepEqual(hotDirs(runId), [])
})

test.serial('kill -9 of a worker in the middle of writing an object: the retry succeeds, no half object is read', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {dir, home, graph} = setup(t)
  const killed = join(dir, 'killed')
  const file = graph(`tasks:\n  a: { fn: make, args: [Float64Array], max_retries: 2 }\n  b: { fn: sum, args: [!ref a] }\noutputs: [b]\n`)
  const r = await cli(home, ['run', file, '--json'], {RAYTS_OBJECTS_TEST_KILL: killed})
  t.is(r.exitCode, 0, String(r.stderr))
  t.true(existsSync(killed), 'a worker killed itself mid-write')
  const {make, sum} = (await import(MODULE)) as {make(kind: string): Float64Array; sum(a: Float64Array): number}
  const out = String(r.stdout).trim().split('\n').map((l) => JSON.parse(l) as {instance?: string; value?: unknown})
  t.is(out.find((o) => o.instance === 'b')?.value, sum(make('Float64Array')), String(r.stdout))
  const runId = lastRun(home)
  const store = openStore(home)
  t.teardown(() => store.close())
  const failed = readEvents(store, runId).filter((e) => e.type === 'attempt-failed')
  t.is(failed.length, 1)
  t.regex(JSON.stringify(failed[0]), /SIGKILL/)
  t.deepEqual(hotDirs(runId), [])
  t.deepEqual(keptObjects(home, runId).filter((n) => n.startsWith('.')), [], 'no temporary file kept')
})

/** the peak resident memory (VmHWM, kB) of a process, read until it exits */
async function peakKb(pid: number, proc: Promise<unknown>): Promise<number> {
  let peak = 0
  let done = false
  void proc.finally(() => (done = true))
  while (!done) {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m) peak = Math.max(peak, Number(m[1]))
    } catch {
      break
    }
    await sleep(20)
  }
  return peak
}

test.serial('a consumer reads a 200 MB array while the runner grows by far less than 200 MB', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {home, graph} = setup(t)
  const body = (n: number) => `tasks:\n  a: { fn: counted, args: [${n}, /dev/null] }\n  b: { fn: sum, args: [!ref a] }\noutputs: [b]\n`
  const small = cli(home, ['run', graph(body(1000))])
  const base = await peakKb(small.pid!, small)
  t.is((await small).exitCode, 0)
  const n = 25_000_000 // 200 MB of doubles
  const big = cli(home, ['run', graph(body(n))])
  const peak = await peakKb(big.pid!, big)
  const r = await big
  t.is(r.exitCode, 0, String(r.stderr))
  t.regex(String(r.stdout), /37500000/)
  const grewMb = (peak - base) / 1024
  t.log(`runner peak RSS: ${(base / 1024).toFixed(0)} MB for 8 kB, ${(peak / 1024).toFixed(0)} MB for 200 MB (+${grewMb.toFixed(0)} MB)`)
  t.true(grewMb < 50, `the runner grew by ${grewMb.toFixed(0)} MB`)
  t.deepEqual(hotDirs(lastRun(home)), [])
})

test.serial('past --object-store-memory, objects spill to disk under $RAYTS_HOME instead of failing', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {home, graph} = setup(t)
  const file = graph(`tasks:\n  a: { fn: make, args: [Float64Array] }\n  b: { fn: counted, args: [100000, /dev/null], after: [a] }\n  c: { fn: sum, args: [!ref b] }\noutputs: [c]\n`)
  const r = await cli(home, ['run', file, '--object-store-memory', '1K'])
  t.is(r.exitCode, 0, String(r.stderr))
  t.regex(String(r.stdout), /150000/)
  const runId = lastRun(home)
  const store = openStore(home)
  t.teardown(() => store.close())
  const {deserialize} = await import('node:v8')
  syncInstanceRows(store, runId)
  const refOf = (name: string) => deserialize((store.db.prepare('SELECT value FROM instances WHERE run_id = ? AND name = ?').get(runId, name) as {value: Buffer}).value) as {dir: string}
  t.regex(refOf('a').dir, /^\/dev\/shm\//, 'the first object went to tmpfs')
  t.is(refOf('b').dir, join(home, 'blobs', runId, 'objects'), 'past the budget: written to disk by the worker')
  t.deepEqual(hotDirs(runId), [])
})

test.serial('with RAYTS_OBJECTS=off (every value through the runner) a run gives the same results', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {home, graph} = setup(t)
  const file = graph(
    'tasks:\n  a: { fn: make, args: [Float64Array] }\n  m: { fn: make, args: [Map] }\n  p: { fn: make, args: [parts], num_returns: 3 }\n' +
      '  s: { fn: sum, args: [!ref a] }\n  n: { fn: length, args: [!ref p.2] }\n  c: { fn: same, args: [!ref m, Map] }\noutputs: [s, n, c, p]\n',
  )
  const values = (stdout: string) => String(stdout).trim().split('\n').map((l) => JSON.parse(l) as {instance?: string; value?: unknown}).filter((o) => o.instance).map((o) => [o.instance, o.value]).sort()
  const on = await cli(home, ['run', file, '--json'])
  t.is(on.exitCode, 0, String(on.stderr))
  const off = await cli(home, ['run', file, '--json'], {RAYTS_OBJECTS: 'off'})
  t.is(off.exitCode, 0, String(off.stderr))
  t.deepEqual(values(String(on.stdout)), values(String(off.stdout)))
  t.is(values(String(on.stdout)).length, 4)
  t.deepEqual(hotDirs(lastRun(home)), [])
  t.deepEqual(keptObjects(home, lastRun(home)), [], 'off: no object written')
})

test.serial('the scheduler reads a stored value where it must look inside: a dynamic foreach, !item paths, !ref paths, env text', async (t) => {
  t.timeout(300_000) // a loaded machine: a CLI start alone can take seconds
  const {home, graph} = setup(t)
  const file = graph(
    'tasks:\n  src: { fn: records }\n  lab: { fn: labelled }\n' +
      '  each: { fn: idPlusText, foreach: !ref src, args: [!item id, !item text, !ref lab.label], env: { LABEL: !ref lab.label } }\n' +
      'outputs: [each]\n',
  )
  const r = await cli(home, ['run', file, '--json'])
  t.is(r.exitCode, 0, String(r.stderr))
  const out = String(r.stdout).trim().split('\n').map((l) => JSON.parse(l) as {instance?: string; value?: unknown}).filter((o) => o.instance)
  // each[i] print as they finish, in any order: put them in index order
  const index = (name: string | undefined) => Number(/\[(\d+)\]$/.exec(name ?? '')?.[1] ?? -1)
  const values = out.find((o) => o.instance === 'each')?.value ?? out.sort((a, b) => index(a.instance) - index(b.instance)).map((o) => o.value)
  t.deepEqual(values, Array.from({length: 40}, (_, i) => `${i}:4000:seven:seven`))
  const runId = lastRun(home)
  const store = openStore(home)
  t.teardown(() => store.close())
  const {deserialize} = await import('node:v8')
  syncInstanceRows(store, runId)
  const row = store.db.prepare('SELECT value FROM instances WHERE run_id = ? AND name = ?').get(runId, 'src') as {value: Buffer}
  t.truthy((deserialize(row.value) as Record<string, unknown>)['$rayts.object'], 'src went through the object store')
  t.deepEqual(hotDirs(runId), [])
})

const SHAPES = join(ROOT, 'test/objects/fixtures/shapes.mjs')

test.serial('a small cyclic result (an object, an array, a Map and a Set holding themselves) reaches its dependents, --json and rayts get', async (t) => {
  const {home, graph} = setup(t)
  const file = graph(`functions:
  cyclic: {module: ${SHAPES}}
  cycles: {module: ${SHAPES}}
tasks:
  o: {fn: cyclic, args: [object]}
  a: {fn: cyclic, args: [array]}
  m: {fn: cyclic, args: [map]}
  b: {fn: cycles, args: [!ref o, [!ref a, {ms: !ref m}]]}
  s: {cmd: [echo, !ref o]}
outputs: [o, b, s]
`)
  const r = await cli(home, ['run', file, '--json'])
  const out = String(r.stdout)
  const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {type: string; instance?: string; value?: unknown; error?: {message: string}; state?: string})
  const byName = new Map(lines.map((l) => [l.instance ?? l.type, l]))
  t.deepEqual(byName.get('o')?.value, {name: 'o', self: '[Circular]'}, out + String(r.stderr))
  t.is(byName.get('b')?.value, 'cycles kept')
  // as text (a cmd argument) a cycle has no JSON: that one task fails, clearly
  t.regex(byName.get('s')?.error?.message ?? '', /cannot be made text \(JSON\): it holds a cycle/)
  t.is(byName.get('summary')?.state, 'failed')
  t.is(r.exitCode, 1)
  const runId = lastRun(home)
  const got = await cli(home, ['get', runId, 'o'])
  t.is(String(got.stdout).trim(), "<ref *1> { name: 'o', self: [Circular *1] }", String(got.stderr))
  const json = await cli(home, ['get', runId, 'm', '--json'])
  t.deepEqual(JSON.parse(String(json.stdout)), {m: {m: {n: 2, me: '[Circular]'}, s: [3, '[Circular]']}}, String(json.stderr))
})

test.serial('a result nested 2,000 deep fails its task naming the limit; the run is failed, exit 1, with its summary', async (t) => {
  const {home, graph} = setup(t)
  const file = graph(`functions:
  deep: {module: ${SHAPES}}
  id: {module: ${SHAPES}}
tasks:
  arrays: {fn: deep, args: [array, 2000]}
  objects: {fn: deep, args: [object, 2000]}
  ok: {fn: deep, args: [object, 900]}
  json: {cmd: [node, -e, "process.stdout.write('['.repeat(5000) + ']'.repeat(5000))"], output: json}
  b: {fn: id, args: [!ref arrays]}
  c: {fn: id, args: [!ref ok]}
`)
  const r = await cli(home, ['run', file])
  const err = String(r.stderr)
  t.is(r.exitCode, 1, err)
  for (const name of ['arrays', 'objects']) t.regex(err, new RegExp(`✗ ${name} RangeError: the result of ${name} nests more than 1000 levels deep`))
  t.regex(err, /✗ json RangeError: the output of json nests more than 1000 levels deep/)
  t.regex(err, /run \w+ failed: 2 succeeded, 3 failed, 1 skipped/)
  const store = openStore(home)
  try {
    t.is(getRun(store, lastRun(home))!.state, 'failed')
  } finally {
    store.close()
  }
})
