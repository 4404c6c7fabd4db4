// Nothing is dropped to go faster: a `rayts run` of 10,000 instances leaves 10,000 instances
// in the store, each with its own result, readable through `rayts get` (issue 13).
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {countStates, listInstances, loadValue, openStore, readEvents, resolveRunId} from '../../src/store/index.js'

const root = join(import.meta.dirname, '..', '..')
const N = 10_000

// RAYTS_RECORD_THREAD: the store written in the run's thread, and from a thread of its own
for (const thread of ['0', '1']) test.serial(`a run of a 10,000-instance graph records all 10,000 instances and results (RAYTS_RECORD_THREAD=${thread})`, async (t) => {
  t.timeout(600_000)
  const dir = mkdtempSync(join(tmpdir(), 'rayts-records-all-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'sq.mjs'), 'export function sq(x) { return x * x }\n')
  writeFileSync(join(dir, 'g.yaml'), `version: 1\nmodule: ./sq.mjs\ntasks:\n  t: {fn: sq, foreach: {range: ${N}}, args: [!index]}\n`)
  const env = {RAYTS_HOME: join(dir, 'home'), CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', RAYTS_RECORD_THREAD: thread}
  const bin = join(root, 'bin', 'dev.js')
  const run = await execa(bin, ['run', join(dir, 'g.yaml'), '--num-cpus', '2', '--json'], {cwd: root, env, reject: false, timeout: 300_000})
  t.is(run.exitCode, 0, run.stderr)

  const store = openStore(env.RAYTS_HOME)
  t.teardown(() => store.close())
  const id = resolveRunId(store, 'last')
  t.deepEqual(countStates(store, id), {succeeded: N})
  const insts = listInstances(store, id)
  t.is(insts.length, N)
  t.true(insts.every((i) => i.hasValue && i.attempt === 1 && i.pid !== null && i.endedT !== null && i.startedT !== null))
  const events = readEvents(store, id)
  t.is(events.filter((e) => e.type === 'succeeded').length, N)
  t.is(events.filter((e) => e.type === 'start').length, N)

  // every result read back as `rayts get` reads it; each instance has its own result (values
  // are sliced out of one blob per flush)
  const wrong = insts.filter((i) => loadValue(store, id, i.name) !== Number(/\[(\d+)\]/.exec(i.name)![1]) ** 2)
  t.deepEqual(wrong.map((i) => i.name), [])
  const got = await execa(bin, ['get', id, 't[0]', 't[4999]', `t[${N - 1}]`, '--json'], {cwd: root, env, reject: false, timeout: 120_000})
  t.is(got.exitCode, 0, got.stderr)
  t.deepEqual(JSON.parse(got.stdout), {'t[0]': 0, 't[4999]': 4999 ** 2, [`t[${N - 1}]`]: (N - 1) ** 2})
})
