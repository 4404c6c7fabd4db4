// Cluster mode end to end: a real redis-server, real `rayts worker` processes, kill -9.
import test from 'ava'
import {readdirSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {cli, FIXTURES, HAVE_REDIS, NO_REDIS, resultsOf, startRedis, startPidsFrom, startWorker, tempDir, until} from './helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

const MIX = join(FIXTURES, 'mix.yaml')
const SLOW = join(FIXTURES, 'slow.yaml')

serial('a graph of fn and cmd tasks gives the same results on two workers as locally', async (t) => {
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  await Promise.all([startWorker(t, redis.url, home, 'w1', 2), startWorker(t, redis.url, home, 'w2', 1)])
  const local = await cli(home, ['run', MIX, '--json'])
  t.is(local.exitCode, 0, String(local.stderr))
  const remote = await cli(home, ['run', MIX, '--json', '--cluster', redis.url])
  t.is(remote.exitCode, 0, String(remote.stderr))
  t.deepEqual(resultsOf(String(remote.stdout)), resultsOf(String(local.stdout)))
  t.is(resultsOf(String(remote.stdout)).bigkind, 'Float64Array:20000') // a 160 KB typed array crossed as itself
  // RAYTS_CLUSTER works like --cluster, and status sees both workers
  const viaEnv = await cli(home, ['run', MIX, '--json'], {RAYTS_CLUSTER: redis.url})
  t.deepEqual(resultsOf(String(viaEnv.stdout)), resultsOf(String(local.stdout)))
  const status = await cli(home, ['cluster', 'status', '--redis', redis.url, '--json'])
  t.is(status.exitCode, 0, String(status.stderr))
  const s = JSON.parse(String(status.stdout)) as {workers: {name: string; capacity: {cpu: number}}[]; capacity: {cpu: number}}
  t.deepEqual(s.workers.map((w) => w.name).sort(), ['w1', 'w2'])
  t.is(s.capacity.cpu, 3)
})

serial('kill -9 of a worker mid-task: the task reruns on another, nothing lost or duplicated', async (t) => {
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  const a = await startWorker(t, redis.url, home, 'a', 1, {MARKS: marks})
  const b = await startWorker(t, redis.url, home, 'b', 1, {MARKS: marks})
  const run = cli(home, ['run', SLOW, '--json', '--cluster', redis.url])
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  // both slow tasks running, one on each worker, and the coordinator told that a's did: a
  // start that had not left a's outbox when it died is a task never started, queued again
  // without counting a retry
  await until('both slow tasks to start', () => readdirSync(marks).length >= 2)
  const marked = (): Set<number> => new Set(readdirSync(marks).map((f) => Number(f.split('-')[1])))
  await until("worker a's start of its slow task to reach Redis", async () => (await startPidsFrom(redis.client(), 'a')).some((pid) => pid !== null && marked().has(pid)))
  a.kill9()
  const done = await run
  t.is(done.exitCode, 0, String(done.stderr))
  const results = resultsOf(String(done.stdout))
  t.deepEqual(results['slow[0]'], 0)
  t.deepEqual(results['slow[1]'], 10)
  t.is(results.after, 10)
  const summary = JSON.parse(String(done.stdout).trim().split('\n').at(-1)!) as {retries: number; counts: {succeeded: number}}
  t.is(summary.retries, 1) // the lost attempt counted as a crash under max_retries
  t.is(summary.counts.succeeded, 4)
  // three starts: two first attempts and one rerun (on b), no more
  const starts = readdirSync(marks)
  t.is(starts.length, 3, starts.join(' '))
  t.true(b.proc.exitCode === null)
})

serial('the coordinator killed mid-run: run --resume on the cluster finishes it', async (t) => {
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  await startWorker(t, redis.url, home, 'w', 2, {MARKS: marks})
  const first = cli(home, ['run', SLOW, '--json', '--cluster', redis.url])
  t.teardown(() => {
    first.kill('SIGKILL')
  })
  await until('the slow tasks to start', () => readdirSync(marks).length >= 2)
  first.kill('SIGKILL')
  await first.catch(() => {})
  const resumed = await cli(home, ['run', '--resume', 'last', '--json', '--cluster', redis.url])
  t.is(resumed.exitCode, 0, String(resumed.stderr))
  const results = resultsOf(String(resumed.stdout))
  t.is(results.after, 10)
  t.is(results.quick, 9)
  t.true(existsSync(join(home, 'rayts.db')))
})

serial('usage errors: no password off loopback, no workers, unreachable Redis', async (t) => {
  const home = tempDir(t, 'rayts-home-')
  const refused = await cli(home, ['worker', '--redis', 'redis://10.255.255.1:6379'])
  t.is(refused.exitCode, 2)
  t.regex(String(refused.stderr), /no password/)
  t.notRegex(String(refused.stderr), /\n\s+at /) // no stack trace
  const bad = await cli(home, ['run', MIX, '--cluster', 'http://x'])
  t.is(bad.exitCode, 2)
  t.regex(String(bad.stderr), /redis:\/\//)
  const redis = await startRedis(t)
  const none = await cli(home, ['run', MIX, '--cluster', redis.url])
  t.is(none.exitCode, 2)
  t.regex(String(none.stderr), /no live workers/)
  t.notRegex(String(none.stderr), new RegExp(redis.url.split('@')[0]!.split(':').at(-1)!)) // password not printed
  const wrong = await cli(home, ['cluster', 'status', '--redis', redis.url.replace(/:pw\w+@/, ':nope@')])
  t.is(wrong.exitCode, 2)
  t.regex(String(wrong.stderr), /cannot reach Redis/)
})
