// The library API on a cluster: init({cluster}) runs the session's tasks on real `rayts worker`
// processes through a real redis-server, and the session is still a run in the local store.
import test from 'ava'
import * as ray from '../../src/index.js'
import {getRun, listInstances, openStore} from '../../src/store/index.js'
import {HAVE_REDIS, NO_REDIS, startRedis, startWorker, tempDir} from '../cluster/helpers.js'

const tasks = ray.module<typeof import('./fixtures/tasks.mjs')>(new URL('./fixtures/tasks.mjs', import.meta.url))

test.afterEach.always(async () => {
  await ray.shutdown()
})

test.serial('init({cluster}) runs tasks on the cluster\'s workers, refs and all', async (t) => {
  if (!HAVE_REDIS) return t.log(NO_REDIS), t.pass()
  const redis = await startRedis(t)
  const workerHome = tempDir(t, 'rayts-worker-home-')
  await startWorker(t, redis.url, workerHome, 'w1', 2)
  const {runId} = await ray.init({cluster: redis.url})
  const add = tasks.remote('add')
  const sum = add.remote(add.remote(1, 2), 3)
  t.is(await ray.get(sum), 6)
  const where = await ray.get(tasks.remote('home').remote())
  t.not(where, process.env.RAYTS_HOME)
  t.true(where!.startsWith(workerHome), `ran under ${where}, not the worker's ${workerHome}`)
  const failed = tasks.remote('boom', {maxRetries: 0}).remote('remote failure')
  const error = await t.throwsAsync(ray.get(failed), {instanceOf: ray.TaskError})
  t.is(error!.remoteMessage, 'remote failure')
  await ray.shutdown()
  const store = openStore()
  try {
    t.is(getRun(store, runId)!.state, 'failed')
    t.deepEqual(listInstances(store, runId).map((i) => i.name), ['add_1', 'add_2', 'home_1', 'boom_1'])
  } finally {
    store.close()
  }
})

test.serial('init({cluster}) says what is wrong: no workers, a module not shipped', async (t) => {
  if (!HAVE_REDIS) return t.log(NO_REDIS), t.pass()
  const redis = await startRedis(t)
  await t.throwsAsync(ray.init({cluster: redis.url}), {instanceOf: ray.RaytsError, message: /no live workers/})
  const workerHome = tempDir(t, 'rayts-worker-home-')
  await startWorker(t, redis.url, workerHome, 'w1', 1)
  await ray.init({cluster: redis.url})
  const late = ray.remote(new URL('../../graphs/arrays.mjs', import.meta.url), 'makeArray')
  t.throws(() => late.remote(1), {instanceOf: ray.RaytsError, message: /not in the cluster's code pack/})
})
