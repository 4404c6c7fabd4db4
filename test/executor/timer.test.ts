// Timers past Node's 2^31 ms limit (issue 12 item 4): the one timer helper chains them.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startTimer} from '../../src/core/timer.js'
import {runGraph} from '../scheduler/helpers.js'

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('a delay longer than the largest chunk fires once, after the whole delay', async (t) => {
  const t0 = performance.now()
  let fired = 0
  await new Promise<void>((resolve) => {
    startTimer(() => {
      fired++
      resolve()
    }, 250, 40) // 7 chunks of at most 40 ms
  })
  const took = performance.now() - t0
  t.true(took >= 245, `fired after ${took} ms`)
  await delay(100)
  t.is(fired, 1)
})

test('clear() stops a chained timer between chunks', async (t) => {
  let fired = false
  const timer = startTimer(() => (fired = true), 200, 30)
  await delay(100) // a few chunks in
  timer.clear()
  await delay(250)
  t.false(fired)
})

test('unref() carries over to the later chunks: the process exits without waiting', async (t) => {
  const timerModule = join(import.meta.dirname, '..', '..', 'src', 'core', 'timer.ts')
  const script = `import {startTimer} from ${JSON.stringify(timerModule)}; startTimer(() => console.log('fired'), 1500, 50).unref()`
  const result = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {reject: false})
  t.is(result.exitCode, 0, result.stderr)
  t.is(result.stdout, '')
})

test('a delay past 2^31 ms does not fire early and raises no TimeoutOverflowWarning', async (t) => {
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(w.name)
  process.on('warning', onWarning)
  let fired = false
  const timer = startTimer(() => (fired = true), 600 * 3600 * 1000)
  await delay(200)
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
