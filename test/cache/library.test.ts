// The library's {cache: true}: a second session reuses what the first computed, by key;
// init({cache: false}) turns the cache off for a session.
import test from 'ava'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import * as ray from '../../src/index.js'
import {openStore} from '../../src/store/index.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const tasks = ray.module<{square(log: string, x: number): number}>(new URL('./fixtures/lib-tasks.mjs', import.meta.url))

test.afterEach.always(async () => {
  await ray.shutdown()
})

test.serial('{cache: true} reuses across sessions; init({cache: false}) neither reads nor writes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-lib-cache-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  const log = join(dir, 'calls')
  writeFileSync(log, '')
  const calls = () => readFileSync(log, 'utf8').length

  await ray.init({numCpus: 2})
  const sq = tasks.remote('square', {cache: true})
  t.deepEqual(await ray.get([sq.remote(log, 3), sq.remote(log, 4)]), [9, 16])
  t.is(calls(), 2)
  await ray.shutdown()

  const {runId} = await ray.init({numCpus: 2})
  const sq2 = tasks.remote('square', {cache: true})
  t.deepEqual(await ray.get([sq2.remote(log, 3), sq2.remote(log, 4), sq2.remote(log, 5)]), [9, 16, 25])
  t.is(calls(), 3) // only 5 was computed
  await ray.shutdown()
  const store = openStore()
  try {
    syncInstanceRows(store, runId)
    const states = store.db.prepare('SELECT state FROM instances WHERE run_id = ? ORDER BY ord').pluck().all(runId)
    t.deepEqual(states, ['cached', 'cached', 'succeeded'])
  } finally {
    store.close()
  }

  await ray.init({numCpus: 2, cache: false})
  t.is(await ray.get(tasks.remote('square', {cache: true}).remote(log, 3)), 9)
  t.is(calls(), 4)
  t.throws(() => tasks.remote('square', {cache: 'yes' as unknown as boolean}), {message: /option cache must be true or false/})
})
