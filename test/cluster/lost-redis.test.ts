// Losing Redis mid-run: a real redis-server killed (-9) or hung (SIGSTOP) under a run, a
// worker and `cluster status`. Nothing may hang: the run ends as failed within the
// documented bound, one signal ends a run or a worker at once, status gives up in bounded time.
import test from 'ava'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {cli, FIXTURES, HAVE_REDIS, NO_REDIS, resultsOf, startRedis, startWorker, tempDir, until} from './helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

const LOST = join(FIXTURES, 'lost.yaml')
const OUTLIVE = join(FIXTURES, 'outlive.yaml')
/** LOST_AFTER_MS (15 s) and then some: the machine is shared and slow */
const LOST_BOUND_MS = 40_000

const exited = (p: {exitCode: number | null; once(e: 'exit', f: () => void): unknown}): Promise<void> =>
  p.exitCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()))

serial('Redis killed mid-run: the run ends as failed in bounded time, the worker says so and recovers, --resume finishes it', async (t) => {
  t.timeout(300_000) // a loaded machine: starting the CLI alone can take 10 s
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  const worker = await startWorker(t, redis.url, home, 'w', 2, {MARKS: marks})
  const run = cli(home, ['run', LOST, '--json', '--cluster', redis.url])
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  // the second wave is running: the first one's outcomes are in Redis
  await until('the second wave to start', () => readdirSync(marks).length >= 4)
  await redis.kill9()
  const killedAt = Date.now()
  const done = await Promise.race([run, new Promise<null>((r) => setTimeout(r, LOST_BOUND_MS, null))])
  t.not(done, null, `the run did not end within ${LOST_BOUND_MS / 1000} s of losing Redis`)
  t.log(`the run ended ${((Date.now() - killedAt) / 1000).toFixed(1)} s after Redis was killed`)
  const stderr = String(done!.stderr)
  t.is(done!.exitCode, 1, stderr)
  t.regex(stderr, /lost the connection to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: no answer for \d+ s/)
  t.regex(stderr, /--resume \S+ --cluster URL/)
  t.false(stderr.includes(redis.password))
  t.notRegex(stderr, /\n\s+at /) // no stack trace
  // what the run printed before Redis went is what it recorded
  const recorded = Object.keys(resultsOf(String(done!.stdout))).filter((k) => k.startsWith('slow['))
  t.log(`recorded before the loss: ${recorded.join(' ')}`)
  t.true(recorded.length >= 1)

  // the worker keeps retrying, says so, and says when Redis is back
  await until('the worker to report the loss', () => worker.stderr().includes('lost the connection to Redis'), LOST_BOUND_MS)
  t.is(worker.proc.exitCode, null)
  t.false(worker.stderr().includes(redis.password))
  await redis.restart()
  await until('the worker to see Redis back', () => /Redis at \S+ is back/.test(worker.stderr()), 30_000)

  const resumed = await cli(home, ['run', '--resume', 'last', '--json', '--cluster', redis.url])
  t.is(resumed.exitCode, 0, String(resumed.stderr))
  const results = resultsOf(String(resumed.stdout))
  t.deepEqual([0, 1, 2, 3, 4, 5].map((i) => results[`slow[${i}]`]), [0, 10, 20, 30, 40, 50])
  t.is(results.after, 150)
  // the resumed run reused those: each started once only
  for (const name of recorded) {
    const index = /\[(\d+)\]/.exec(name)![1]
    t.is(readdirSync(marks).filter((m) => m.startsWith(`${index}-`)).length, 1, name)
  }
})

/** the starts MARKS recorded (file `INDEX-PID-MS`) */
const starts = (marks: string): {index: number; at: number}[] =>
  readdirSync(marks).map((m) => {
    const [index, , at] = m.split('-').map(Number)
    return {index: index!, at: at!}
  })

serial('a run that gave up on a hung Redis: none of its tasks starts after it ended, its session stays dead, --resume runs each task once', async (t) => {
  t.timeout(300_000) // a loaded machine: starting the CLI alone can take 10 s
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  await startWorker(t, redis.url, home, 'w', 1, {MARKS: marks})
  const env = {RAYTS_CLUSTER_LOST_AFTER: '3s'}
  const run = cli(home, ['run', OUTLIVE, '--cluster', redis.url], env)
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  t.teardown(() => redis.unpause())
  // w[0] ran, w[1] runs, the rest of what is in flight waits in Redis
  await until('the second task to start', () => readdirSync(marks).length >= 2)
  redis.pause()
  const done = await Promise.race([run, new Promise<null>((r) => setTimeout(r, LOST_BOUND_MS, null))])
  t.not(done, null, `the run did not end within ${LOST_BOUND_MS / 1000} s of losing Redis`)
  const endedAt = Date.now()
  t.is(done!.exitCode, 1, String(done!.stderr))
  t.regex(String(done!.stderr), /lost the connection to Redis at \S+: no answer for \d+ s/)
  redis.unpause()

  // what the dead session left in the queue (and what it sent while Redis hung) is taken and dropped
  const client = redis.client()
  const queued = async (): Promise<number> => {
    let n = 0
    for (const q of ['rayts-tasks', 'rayts-short']) n += (await client.llen(`bull:${q}:wait`)) + (await client.llen(`bull:${q}:active`))
    return n
  }
  await until('the worker to take what was queued', async () => (await queued()) === 0, 30_000)
  t.deepEqual(
    starts(marks).filter((s) => s.at > endedAt),
    [],
    'tasks started after the run ended',
  )
  // heartbeats that waited in the socket while Redis hung did not bring the session back
  t.deepEqual(await client.keys('rayts:s:*:alive'), [])

  const resumedAt = Date.now()
  const resumed = await cli(home, ['run', '--resume', 'last', '--json', '--cluster', redis.url], env)
  t.is(resumed.exitCode, 0, String(resumed.stderr))
  const results = resultsOf(String(resumed.stdout))
  t.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => results[`w[${i}]`]), [0, 10, 20, 30, 40, 50, 60, 70])
  const all = starts(marks)
  for (let i = 0; i < 8; i++) {
    t.true(all.some((s) => s.index === i), `w[${i}] never started`)
    t.true(all.filter((s) => s.index === i && s.at >= resumedAt).length <= 1, `w[${i}] started more than once in the resumed run`)
  }
  t.deepEqual(all.filter((s) => s.at > endedAt && s.at < resumedAt), [])
})

serial('Redis hung mid-run: one SIGINT ends the run at once (130), one SIGTERM ends the worker, and its pool', async (t) => {
  t.timeout(300_000) // a loaded machine: starting the CLI alone can take 10 s
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  const worker = await startWorker(t, redis.url, home, 'w', 2, {MARKS: marks})
  const run = cli(home, ['run', LOST, '--cluster', redis.url])
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  t.teardown(() => redis.unpause())
  await until('a task to start', () => readdirSync(marks).length >= 1)
  redis.pause()
  await new Promise((r) => setTimeout(r, 1000))

  let t0 = Date.now()
  run.kill('SIGINT')
  const done = await Promise.race([run, new Promise<null>((r) => setTimeout(r, 15_000, null))])
  const runSeconds = (Date.now() - t0) / 1000
  t.not(done, null, 'the run did not end within 15 s of one SIGINT')
  t.log(`the run ended ${runSeconds.toFixed(1)} s after SIGINT`)
  t.true(runSeconds < 5, `${runSeconds} s`) // about 1 s here (the close grace), 2 s promised
  t.is(done!.exitCode, 130, String(done!.stderr))

  t0 = Date.now()
  worker.proc.kill('SIGTERM')
  await Promise.race([exited(worker.proc), new Promise((r) => setTimeout(r, 15_000))])
  const workerSeconds = (Date.now() - t0) / 1000
  t.not(worker.proc.exitCode, null, 'the worker did not leave within 15 s of one SIGTERM')
  t.log(`the worker left ${workerSeconds.toFixed(1)} s after SIGTERM`)
  t.true(workerSeconds < 6, `${workerSeconds} s`)
  t.is(worker.proc.exitCode, 0, worker.stderr())
  // nothing of its process group is left (its pool, the task it ran)
  await until('the worker pool to be gone', () => {
    try {
      process.kill(-worker.proc.pid!, 0)
      return false
    } catch {
      return true
    }
  }, 5000)
})

serial('cluster status against a hung or dead Redis: a clear message, exit 2, in bounded time', async (t) => {
  t.timeout(300_000) // a loaded machine: starting the CLI alone can take 10 s
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  t.teardown(() => redis.unpause())
  redis.pause()
  let t0 = Date.now()
  const hung = await cli(home, ['cluster', 'status', '--redis', redis.url], {}, {timeout: 60_000})
  t.log(`status gave up after ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  t.is(hung.exitCode, 2, String(hung.stderr))
  t.regex(String(hung.stderr), /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: no answer within 5 s/)
  t.true(Date.now() - t0 < 50_000) // 5 s of it the bound, the rest starting the CLI
  redis.unpause()
  await redis.kill9()
  t0 = Date.now()
  const dead = await cli(home, ['cluster', 'status', '--redis', redis.url], {}, {timeout: 60_000})
  t.is(dead.exitCode, 2, String(dead.stderr))
  t.regex(String(dead.stderr), /cannot reach Redis at redis:\/\/:\*\*\*@/)
  t.notRegex(String(dead.stderr), /\n\s+at /)
})
