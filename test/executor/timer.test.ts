// Timers past Node's 2^31 ms limit (issue 12 item 4): the one timer helper chains them.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MAX_TIMER_MS, startTimer} from '../../src/core/timer.js'
import {fakeTimers} from '../helpers/fake-timers.js'
import {runGraph} from '../scheduler/helpers.js'

test.serial('a delay longer than the largest chunk fires once, after the whole delay', (t) => {
  const clock = fakeTimers(t)
  let fired = 0
  startTimer(() => fired++, 250, 40) // 7 chunks of at most 40 ms
  clock.tick(249)
  t.is(fired, 0)
  clock.tick(1)
  t.is(fired, 1)
  clock.tick(1000)
  t.is(fired, 1)
  t.is(clock.countTimers(), 0)
})

test.serial('clear() stops a chained timer between chunks', (t) => {
  const clock = fakeTimers(t)
  let fired = false
  const timer = startTimer(() => (fired = true), 200, 30)
  clock.tick(100) // a few chunks in
  timer.clear()
  t.is(clock.countTimers(), 0, 'no chunk left armed')
  clock.tick(250)
  t.false(fired)
})

test.serial('a delay past 2^31 ms fires once, after the whole delay, not early', (t) => {
  const clock = fakeTimers(t)
  let fired = 0
  const ms = 600 * 3600 * 1000
  startTimer(() => fired++, ms)
  clock.tick(MAX_TIMER_MS)
  t.is(fired, 0)
  clock.tick(ms - MAX_TIMER_MS - 1)
  t.is(fired, 0)
  clock.tick(1)
  t.is(fired, 1)
})

test('unref() carries over to the later chunks: the process exits without waiting', async (t) => {
  const timerModule = join(import.meta.dirname, '..', '..', 'src', 'core', 'timer.ts')
  const script = `import {startTimer} from ${JSON.stringify(timerModule)}; startTimer(() => console.log('fired'), 1500, 50).unref()`
  const result = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {reject: false})
  t.is(result.exitCode, 0, result.stderr)
  t.is(result.stdout, '')
})

test('a delay past 2^31 ms raises no TimeoutOverflowWarning (real timers)', async (t) => {
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(w.name)
  process.on('warning', onWarning)
  let fired = false
  const timer = startTimer(() => (fired = true), 600 * 3600 * 1000)
  // Node emits the warning on the next tick, and an overflowed timer fires after 1 ms
  await new Promise((r) => setTimeout(r, 2))
  await new Promise((r) => setImmediate(r))
  timer.clear()
  process.off('warning', onWarning)
  t.false(fired)
  t.deepEqual(warnings, [])
})

test.serial('a task with timeout: 600h runs to its end (scheduler)', async (t) => {
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(w.name)
  process.on('warning', onWarning)
  try {
    const ran = await runGraph(join(import.meta.dirname, 'fixtures', 'long-timeout.yaml'))
    t.is(ran.summary.state, 'succeeded', JSON.stringify(ran.summary.firstError))
    t.deepEqual([...ran.values.values()].sort(), ['cmd done', 'fn done'])
    t.deepEqual(warnings, [])
  } finally {
    process.off('warning', onWarning)
  }
})

test.serial('rayts run of tasks with timeout: 600h: they finish, exit 0, no warning on stderr', async (t) => {
  const root = join(import.meta.dirname, '..', '..')
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const result = await execa(join(root, 'bin', 'dev.js'), ['run', join(import.meta.dirname, 'fixtures', 'long-timeout.yaml')], {
      cwd: root,
      reject: false,
      env: {RAYTS_HOME: home, CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
    })
    t.is(result.exitCode, 0, result.stderr)
    t.regex(result.stdout, /fn done/)
    t.regex(result.stdout, /cmd done/)
    t.notRegex(result.stderr, /Warning|TimeoutError/)
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})
