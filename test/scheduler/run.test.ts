import test from 'ava'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {groupAlive} from '../../src/core/kill-group.js'
import {alive, busySeconds, nameOf, runGraph, workerPids} from './helpers.js'

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name)
const graph = (name: string) => join(import.meta.dirname, '..', '..', 'graphs', name)

test.serial('arrays.yaml: id1 and id2 run side by side, id3 adds them (under 6 s, not 6)', async (t) => {
  const ran = await runGraph(graph('arrays.yaml'))
  t.is(ran.summary.state, 'succeeded')
  const [a, b, c] = ['id1', 'id2', 'id3'].map((n) => ran.values.get(n)) as [Float64Array, Float64Array, Float64Array]
  t.true(a instanceof Float64Array && a.length === 20)
  t.true(c instanceof Float64Array)
  for (let i = 0; i < 20; i++) t.true(Math.abs(c[i]! - (a[i]! + b[i]!)) < 1e-12) // all three have 20
  // parallelism, not speed: the tasks' own span (worker cold starts vary with the machine's load)
  t.true(busySeconds(ran.events) < 6, `took ${busySeconds(ran.events)} s`)
  t.deepEqual(alive(workerPids(ran.events)), [])
})

test.serial('slow-square.yaml (a .ts module): [0, 1, 4, 9] in under 5 s', async (t) => {
  const ran = await runGraph(graph('slow-square.yaml'))
  t.deepEqual([0, 1, 2, 3].map((i) => ran.values.get(`square[${i}]`) ?? ran.values.get(nameOf(ran.names, i))), [0, 1, 4, 9])
  t.true(busySeconds(ran.events) < 5, `took ${busySeconds(ran.events)} s`)
})

test.serial('arrays-wait.yaml: each add[i] is make[i] added to itself', async (t) => {
  const ran = await runGraph(graph('arrays-wait.yaml'))
  t.is(ran.summary.state, 'succeeded')
  for (let i = 0; i < 5; i++) {
    const made = ran.values.get(`make[${i}]`) as Float64Array
    const added = ran.values.get(`add[${i}]`) as Float64Array
    t.is(made.length, i * 10)
    t.deepEqual(Array.from(added), Array.from(made, (x) => 2 * x))
  }
  // zip: add[i] starts as soon as make[i] is done, not after all of make
  const order = ran.events.filter((e) => e.type === 'succeeded').map((e) => ran.names[(e as {inst: number}).inst])
  t.true(order.indexOf('add[0]') < order.indexOf('make[4]'), order.join(' '))
})

test.serial('retries.yaml: a worker killed twice, then success; a ValueError retried by name', async (t) => {
  process.env.RAYTS_EXAMPLE_STATE = mkdtempSync(join(tmpdir(), 'rayts-retries-'))
  try {
    const ran = await runGraph(graph('retries.yaml'))
    t.is(ran.summary.state, 'succeeded')
    t.is(ran.values.get('crash'), 'succeeded on attempt 3')
    t.is(ran.values.get('flaky'), 'succeeded on attempt 2')
    const failures = ran.events.flatMap((e) => (e.type === 'attempt-failed' ? [`${ran.names[e.inst]}#${e.attempt} ${e.error.kind} ${e.error.name}`] : []))
    t.deepEqual(failures.sort(), ['crash#1 crash CrashError', 'crash#2 crash CrashError', 'flaky#1 error ValueError'])
    const worker = ran.events.filter((e) => e.type === 'worker-exit' && e.reason === 'crash')
    t.is(worker.length, 2)
  } finally {
    delete process.env.RAYTS_EXAMPLE_STATE
  }
})

test.serial('retry_exceptions by exit code: exit:3 is retried, exit 4 is not', async (t) => {
  const mark = join(mkdtempSync(join(tmpdir(), 'rayts-exit-')), 'mark')
  const ran = await runGraph(fixture('exit-codes.yaml'), {set: [`tasks.three.env.MARK=${mark}`]})
  t.is(ran.values.get('three'), 'done')
  t.is(ran.outcome.get('four'), 'failed')
  const four = ran.events.filter((e) => e.type === 'attempt-failed' && ran.names[e.inst] === 'four')
  t.is(four.length, 1)
  t.is(ran.summary.state, 'failed')
  t.is(ran.summary.firstError?.error.exitCode, 4)
})

test.serial('a final error: dependents skipped, independent tasks finish, the run fails', async (t) => {
  const ran = await runGraph(fixture('fail.yaml'))
  t.is(ran.summary.state, 'failed')
  t.is(ran.outcome.get('bad'), 'failed')
  t.is(ran.outcome.get('child'), 'skipped')
  t.is(ran.outcome.get('grandchild'), 'skipped')
  t.is(ran.values.get('independent'), 7)
  t.is(ran.summary.firstError?.instance, 'bad')
  t.is(ran.summary.firstError?.error.name, 'TypeError')
  t.is(ran.summary.firstError?.error.message, 'nope')
  t.regex(ran.summary.firstError?.error.stack ?? '', /fail\.mjs/)
  // errors are not retried unless retry_exceptions says so
  t.is(ran.events.filter((e) => e.type === 'attempt-failed').length, 1)
})

test.serial('--fail-fast cancels the rest', async (t) => {
  const ran = await runGraph(fixture('fail-fast.yaml'), {failFast: true})
  t.is(ran.summary.state, 'failed')
  t.is(ran.outcome.get('independent'), 'cancelled')
  // from the failure to the end of the run, not from the start: worker cold starts vary with
  // the machine's load, and `independent` sleeps 5 s
  const failedAt = ran.events.find((e) => e.type === 'failed')!.t
  const endedAt = ran.events.find((e) => e.type === 'run-end')!.t
  t.true((endedAt - failedAt) / 1e6 < 2, `ended ${(endedAt - failedAt) / 1e6} s after the failure`)
})

test.serial('a result that cannot be cloned is an error of the task naming the type', async (t) => {
  const ran = await runGraph(fixture('not-cloneable.yaml'))
  t.is(ran.outcome.get('f'), 'failed')
  t.regex(ran.summary.firstError?.error.message ?? '', /function/i)
})

test.serial('options.yaml: max_calls 1 gives every call a fresh worker; num_returns parts feed two tasks', async (t) => {
  const ran = await runGraph(graph('options.yaml'))
  t.is(ran.summary.state, 'succeeded')
  const pids = ['first', 'second', 'third'].map((n) => (ran.values.get(n) as {pid: number}).pid)
  t.is(new Set(pids).size, 3)
  t.is(ran.events.filter((e) => e.type === 'worker-exit' && e.reason === 'max_calls').length, 3)
  t.deepEqual(ran.values.get('numbers'), [[2, 4, 6], [1, 3, 5, 7]])
})

test.serial('commands.yaml: results through argv, stdin, env and output: json', async (t) => {
  const ran = await runGraph(graph('commands.yaml'))
  t.is(ran.summary.state, 'succeeded', JSON.stringify(ran.summary.firstError))
  t.true(Array.isArray(ran.values.get('counted')))
  t.true(Array.isArray(ran.values.get('sorted')))
  t.true(Array.isArray(ran.values.get('numbers')))
})

test.serial('dynamic.yaml: instances made when the source finishes', async (t) => {
  const ran = await runGraph(graph('dynamic.yaml'))
  t.is(ran.summary.state, 'succeeded', JSON.stringify(ran.summary.firstError))
  const expanded = ran.events.find((e) => e.type === 'expanded')
  t.truthy(expanded)
  const listing = ran.values.get('listing') as unknown[]
  t.is(expanded?.type === 'expanded' ? expanded.instances.length : -1, listing.length)
  t.deepEqual(ran.values.get('shout'), listing.map((_, i) => ran.values.get(`shout[${i}]`)))
})

test.serial('10,000 no-op tasks: every result present exactly once', async (t) => {
  const ran = await runGraph(fixture('many.yaml'))
  t.is(ran.summary.state, 'succeeded')
  const seen = new Map<number, number>()
  for (const e of ran.events) if (e.type === 'succeeded') seen.set(e.inst, (seen.get(e.inst) ?? 0) + 1)
  t.is(seen.size, 10000)
  t.true([...seen.values()].every((n) => n === 1))
  for (let i = 0; i < 10000; i++) t.is(ran.values.get(`t[${i}]`), i)
})

test.serial('a task that can never fit is an error before anything starts', async (t) => {
  const error = await t.throwsAsync(runGraph(fixture('fail.yaml'), {set: ['tasks.a.num_cpus=3'], numCpus: 2}))
  t.regex(error?.message ?? '', /task a needs num_cpus 3 but the capacity is 2/)
})

test.serial('cancel with busy workers and commands: everything is gone', async (t) => {
  const running = (events: readonly {type: string; alive?: boolean}[]) =>
    events.filter((e) => e.type === 'start').length >= 6 && events.filter((e) => e.type === 'process-group' && e.alive).length >= 3
  const ran = await runGraph(fixture('busy.yaml'), {cancelWhen: running})
  t.is(ran.summary.state, 'cancelled')
  const groups = ran.events.flatMap((e) => (e.type === 'process-group' && e.alive ? [e.pgid] : []))
  t.true(groups.length >= 3)
  t.deepEqual(alive(workerPids(ran.events)), [])
  // zombies do not count: this machine's init does not reap orphans
  for (const g of groups) t.false(groupAlive(g), `process group ${g} is still alive`)
})
