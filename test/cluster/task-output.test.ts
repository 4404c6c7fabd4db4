// A cluster worker's task output reaches `rayts run --cluster`'s stderr live, prefixed as
// `rayts logs` prefixes it, as a local run's does.
import test from 'ava'
import {join} from 'node:path'
import {cli, HAVE_REDIS, NO_REDIS, ROOT, startRedis, startWorker, tempDir} from './helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

serial('rayts run --cluster: each line a task printed on a worker, once, in order, ID#ATTEMPT-prefixed on stderr', async (t) => {
  t.timeout(120_000)
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  await startWorker(t, redis.url, home, 'w1', 2)
  const run = await cli(home, ['run', join(ROOT, 'test/ui/fixtures/chatty-few.yaml'), '--cluster', redis.url])
  t.is(run.exitCode, 0, String(run.stderr))
  const stderr = String(run.stderr)
  for (const i of [0, 1, 2]) {
    const mine = stderr.split('\n').filter((l) => l.startsWith(`c[${i}]#1 | `)).map((l) => l.slice(`c[${i}]#1 | `.length))
    const want = [...Array.from({length: 20}, (_, n) => [`c${i} line ${n + 1}`, ...((n + 1) % 10 === 0 ? [`c${i} err ${n + 1}`] : [])]).flat(), `c${i} tail`]
    t.deepEqual(mine, want)
  }
  t.notRegex(String(run.stdout), / \| /, 'stdout keeps the results only')
})
