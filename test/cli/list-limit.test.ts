// `rayts list` never cuts silently: past --limit (default 100) it says how many runs it
// shows of how many, and --limit 0 lists them all.
import test from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempCli} from './helpers.js'

test('rayts list states its cut, in text and with --json, and --limit 0 lists every run', async (t) => {
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(base, 'g.yaml')
  writeFileSync(graph, 'version: 1\nname: g\ntasks:\n  hi: { cmd: "echo hi" }\n')
  for (let i = 0; i < 3; i++) t.is((await cli(['run', graph])).exitCode, 0)

  const cut = await cli(['list', '--limit', '2'])
  t.is(cut.exitCode, 0, String(cut.stderr))
  t.is(String(cut.stdout).split('\n').filter((l) => l.includes(' g ')).length, 2)
  t.regex(String(cut.stdout), /\nshowing 2 of 3; --limit 0 for all$/)

  const json = await cli(['list', '--limit', '2', '--json'])
  t.is((JSON.parse(String(json.stdout)) as unknown[]).length, 2)
  t.is(String(json.stderr).trim(), 'showing 2 of 3; --limit 0 for all')

  const all = await cli(['list', '--limit', '0', '--json'])
  t.is((JSON.parse(String(all.stdout)) as unknown[]).length, 3)
  t.is(String(all.stderr), '')
  const whole = await cli(['list'])
  t.notRegex(String(whole.stdout), /showing/, 'under the limit: nothing to say')
})
