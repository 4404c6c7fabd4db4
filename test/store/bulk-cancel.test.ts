// Bulk endings (issue 23): --fail-fast with thousands of instances waiting records one
// cancelled-rest event and one UPDATE, not an event and a row write per instance; the store
// (a real SQLite file) still holds every instance cancelled, `status` counts them, and
// --resume reruns only what did not succeed.
import test from 'ava'
import {execa} from 'execa'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {openStore, readEvents} from '../../src/store/index.js'
import {tempHome} from './helpers.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const GRAPH = join(ROOT, 'test/store/fixtures/bulk-cancel.yaml')
const WIDE = 5000

function cli(home: string, args: string[], env: Record<string, string> = {}) {
  return execa('node', ['--import', 'tsx', join(ROOT, 'bin/dev.js'), ...args], {
    cwd: ROOT,
    env: {RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', CI: '1', ...env},
    reject: false,
  })
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n')

for (const thread of ['0', '1']) test.serial(`--fail-fast with ${WIDE} waiting: one cancelled-rest record, every instance cancelled, resume reruns the rest (RAYTS_RECORD_THREAD=${thread})`, async (t) => {
  t.timeout(180_000)
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const counter = join(home, '..', 'counter.txt')
  const env = {RAYTS_TEST_COUNTER: counter, RAYTS_RECORD_THREAD: thread}
  const ran = await cli(home, ['run', GRAPH, '--fail-fast'], env)
  t.is(ran.exitCode, 1, String(ran.stderr))
  t.regex(String(ran.stderr), /bad.*TypeError.*bad fails until RAYTS_TEST_OK is set/s)
  t.regex(String(ran.stderr), new RegExp(`${WIDE + 1} cancelled`), 'the summary counts every cancelled instance')

  const store = openStore(home)
  let runId: string
  try {
    runId = (store.db.prepare('SELECT id FROM runs').get() as {id: string}).id
    syncInstanceRows(store, runId)
    const states = Object.fromEntries(
      (store.db.prepare('SELECT state, COUNT(*) AS n FROM instances WHERE run_id = ? GROUP BY state').all(runId) as {state: string; n: number}[]).map((r) => [r.state, r.n]),
    )
    t.deepEqual(states, {succeeded: 3, failed: 1, cancelled: WIDE + 1})
    const ended = store.db.prepare("SELECT COUNT(*) AS n FROM instances WHERE run_id = ? AND state = 'cancelled' AND ended_t IS NOT NULL").get(runId) as {n: number}
    t.is(ended.n, WIDE + 1, 'each cancelled instance has its end time')
    const events = readEvents(store, runId)
    t.is(events.filter((e) => e.type === 'cancelled-rest').length, 1)
    t.is(events.filter((e) => e.type === 'cancelled').length, 0, 'no event per cancelled instance')
  } finally {
    store.close()
  }

  const status = await cli(home, ['status', runId, '--json'])
  t.is(status.exitCode, 0, String(status.stderr))
  const json = JSON.parse(String(status.stdout)) as {run: {state: string}; counts: Record<string, number>}
  t.is(json.run.state, 'failed')
  t.deepEqual(json.counts, {succeeded: 3, failed: 1, cancelled: WIDE + 1})

  const before = lines(counter)
  t.deepEqual(before.filter((l) => l.startsWith('quick')).sort(), ['quick 0', 'quick 1', 'quick 2'])
  t.false(before.some((l) => l.startsWith('wide')))

  const resumed = await cli(home, ['run', '--resume', runId, '--json'], {...env, RAYTS_TEST_OK: '1'})
  t.is(resumed.exitCode, 0, String(resumed.stderr))
  const after = lines(counter).slice(before.length)
  t.false(after.some((l) => l.startsWith('quick')), 'the quick tasks did not run again')
  t.is(after.filter((l) => l.startsWith('wide')).length, WIDE)
  t.true(after.includes('bad') && after.includes('gate'))
  const done = await cli(home, ['status', runId, '--json'])
  const doneJson = JSON.parse(String(done.stdout)) as {run: {state: string}; counts: Record<string, number>}
  t.is(doneJson.run.state, 'succeeded')
  t.deepEqual(doneJson.counts, {succeeded: WIDE + 5})
})
