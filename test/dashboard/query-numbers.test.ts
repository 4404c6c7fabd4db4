// Numbers in the API's query (offset, limit, tail, after) are whole numbers a SQLite integer
// holds, or the answer is 400 naming the parameter (issue 21 item 19): huge ones gave a 500
// "datatype mismatch", malformed ones were silently read as the default.
import test from 'ava'
import {startDashboard} from '../../src/dashboard/index.js'
import {newRunId, openStore, recordRun} from '../../src/store/index.js'
import {instancesOf, META, SyntheticRun, tempHome} from '../store/helpers.js'

test('offset, limit, tail and after: 400 unless a whole number up to 2^53 - 1; in range they are served', async (t) => {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  const run = new SyntheticRun(newRunId(), instancesOf({a: 3}), ['a'])
  recordRun(store, run.events, META)
  run.start()
  for (let i = 0; i < 3; i++) run.succeed(`a[${i}]`, i)
  run.emit({type: 'log', t: 1, inst: run.idx('a[0]'), attempt: 1, stream: 'stdout', text: 'hello'})
  run.end()
  store.close()
  const dash = await startDashboard({home})
  t.teardown(async () => {
    await dash.close()
    cleanup()
  })
  const base = `${dash.url.replace(/\/$/, '')}/api/runs/${run.runId}`
  const bad = ['1e400', '99999999999999999999999', '9007199254740992', '-1', '1.5', 'abc', '0x10']
  for (const [path, name] of [['instances', 'offset'], ['instances', 'limit'], ['logs', 'tail'], ['logs', 'after'], ['logs', 'limit']] as const) {
    for (const v of bad) {
      const r = await fetch(`${base}/${path}?${name}=${encodeURIComponent(v)}`)
      t.is(r.status, 400, `${path}?${name}=${v}`)
      t.regex(((await r.json()) as {error: string}).error, new RegExp(`^${name} must be a whole number from 0 to 9007199254740991`))
    }
    const ok = await fetch(`${base}/${path}?${name}=${Number.MAX_SAFE_INTEGER}`)
    t.is(ok.status, 200, `${path}?${name}=2^53-1: ${await ok.text()}`)
  }
  const page = (await (await fetch(`${base}/instances?offset=1&limit=1`)).json()) as {total: number; rows: {name: string}[]}
  t.is(page.total, 3)
  t.deepEqual(page.rows.map((r) => r.name), ['a[1]'])
  const logs = (await (await fetch(`${base}/logs?tail=5`)).json()) as {lines: {text: string}[]}
  t.deepEqual(logs.lines.map((l) => l.text), ['hello'])
})
