// One word per way an instance ends, everywhere (issue 21 items 15 and 16): a skipped
// instance is `skipped` in status, wait --follow, get and the timeline (it was `cancelled`
// in status's error column and "failed" in wait --follow), and a cancelled run's timeline
// counts every cancelled instance as status does, also those that never started (it counted
// attempts: `2 cancelled` where status said 9).
import test from 'ava'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {until} from '../helpers/poll.js'
import {openStore} from '../../src/store/index.js'
import {instanceDetail} from '../../src/dashboard/queries.js'
import {tempCli} from './helpers.js'

const FAILING = `version: 1
name: skips
tasks:
  bad: { cmd: "exit 3", max_retries: 0 }
  dep: { cmd: "echo hi", after: [bad] }
  ok: { cmd: "echo ok" }
outputs: [dep, ok]
`

const header = (html: string): string => /<p>started [^<]*<\/p>/.exec(html)?.[0] ?? html

test.serial('a skipped instance is "skipped" in status, status --json, wait --follow, get and the timeline', async (t) => {
  const {cli, home, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(base, 'skips.yaml')
  writeFileSync(graph, FAILING)
  const run = await cli(['run', graph])
  t.is(run.exitCode, 1, String(run.stderr))

  const status = await cli(['status', 'last'])
  t.regex(String(status.stdout), /^dep +0 +skipped +- +- +skipped: SkippedError$/m)
  t.notRegex(String(status.stdout), /cancelled/)
  const json = JSON.parse(String((await cli(['status', 'last', '--json'])).stdout)) as {run: {id: string}; instances: {instance: string; error: {kind: string} | null}[]}
  t.is(json.instances.find((i) => i.instance === 'dep')?.error?.kind, 'skipped')

  const follow = await cli(['wait', 'last', '--follow', '-n', '2'])
  t.is(follow.exitCode, 1)
  t.regex(String(follow.stderr), /^dep skipped because bad failed$/m)
  t.notRegex(String(follow.stderr), /dep failed/)
  const get = await cli(['get', 'last', 'dep'])
  t.regex(String(get.stderr), /^dep skipped because bad failed$/m)

  const html = join(base, 't.html')
  t.is((await cli(['timeline', 'last', '-o', html])).exitCode, 0)
  t.regex(header(readFileSync(html, 'utf8')), / · 1 succeeded, 1 failed, 1 skipped · 2 attempts<\/p>$/)

  // a run recorded before the skipped kind (its skipped instance's error says cancelled) reads the same
  const store = openStore(home)
  try {
    store.db.prepare(`UPDATE instances SET error = json_set(error, '$.kind', 'cancelled') WHERE name = 'dep'`).run()
    t.is(instanceDetail(store, json.run.id, 'dep')?.error?.kind, 'skipped', 'the dashboard')
  } finally {
    store.close()
  }
  t.regex(String((await cli(['status', 'last'])).stdout), /^dep +0 +skipped +- +- +skipped: SkippedError$/m)
})

test.serial("a cancelled run's timeline counts every cancelled instance as status does, those that never started too", async (t) => {
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(base, 'cancel.yaml')
  writeFileSync(graph, `version: 1\nname: cancel\ntasks:\n  s: { cmd: "sleep 30", foreach: [1, 2, 3, 4, 5, 6] }\n  after: { cmd: "echo done", after: [s] }\noutputs: [after]\n`)
  const run = cli(['run', graph, '--num-cpus', '2'])
  await until('two attempts running', async () => /2 running/.test(String((await cli(['status', 'last'])).stdout)))
  run.kill('SIGINT')
  t.is((await run).exitCode, 130)

  const json = JSON.parse(String((await cli(['status', 'last', '--json'])).stdout)) as {counts: Record<string, number>}
  t.deepEqual(json.counts, {cancelled: 7})
  const html = join(base, 'c.html')
  t.is((await cli(['timeline', 'last', '-o', html])).exitCode, 0)
  const text = readFileSync(html, 'utf8')
  t.regex(header(text), / · cancelled · 7 cancelled \(5 before they started\) · 2 attempts<\/p>$/)
  // each of them is drawn: a mark in the scheduler row
  t.is(text.match(/<path class="instant"[^>]*><title>cancelled /g)?.length, 7)
})
