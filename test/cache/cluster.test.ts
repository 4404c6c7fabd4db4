// The result cache in cluster mode: the runner decides hits and stores entries (workers keep
// none); a hit's value crosses to the workers like any other; entries are shared with local runs.
import test from 'ava'
import {join} from 'node:path'
import {cli, FIXTURES, HAVE_REDIS, NO_REDIS, resultsOf, startRedis, startWorker, tempDir} from '../cluster/helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

const MIX = join(FIXTURES, 'mix.yaml')
const CACHED = ['--set', 'defaults.cache=true', '--json']

serial('a cluster run stores entries; the next cluster run and a local run reuse them', async (t) => {
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  await startWorker(t, redis.url, home, 'w1', 2)
  const first = await cli(home, ['run', MIX, ...CACHED, '--cluster', redis.url])
  t.is(first.exitCode, 0, String(first.stderr))
  const status = async () => JSON.parse(String((await cli(home, ['status', 'last', '--json'])).stdout)) as {counts: Record<string, number>}
  t.is((await status()).counts.cached ?? 0, 0)
  // bigsum runs on a worker, with the cached big (a 160 KB typed array) as its argument
  const again = await cli(home, ['run', MIX, ...CACHED, '--set', 'tasks.bigsum.cache=false', '--cluster', redis.url])
  t.is(again.exitCode, 0, String(again.stderr))
  t.deepEqual(resultsOf(String(again.stdout)), resultsOf(String(first.stdout)))
  const counts = (await status()).counts
  t.is(counts.cached, 37) // every instance (8 tasks, squares has 30) but bigsum
  t.is(counts.succeeded, 1)
  const local = await cli(home, ['run', MIX, ...CACHED])
  t.is(local.exitCode, 0, String(local.stderr))
  t.deepEqual(resultsOf(String(local.stdout)), resultsOf(String(first.stdout)))
  t.is(resultsOf(String(local.stdout)).bigkind, 'Float64Array:20000')
  t.is((await status()).counts.cached, 38)
})
