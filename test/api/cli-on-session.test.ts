// A library session is a run in the store: `rayts status`, `get`, `logs --follow` and
// `timeline` work on it from another process while it runs, and after.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import * as ray from '../../src/index.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEV = join(ROOT, 'bin/dev.js')
const tasks = ray.module<typeof import('./fixtures/tasks.mjs')>(new URL('./fixtures/tasks.mjs', import.meta.url))

const rayts = (...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', DEV, ...args], {cwd: ROOT, reject: false, env: {OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'}})

test.afterEach.always(async () => {
  await ray.shutdown()
})

test.serial('status, get, logs --follow and timeline on a running session', async (t) => {
  const {runId} = await ray.init({numCpus: 1, name: 'cli-session'})
  const say = tasks.remote('say')
  t.is(await ray.get(say.remote('first line')), 'first line')

  const follow = rayts('logs', runId, '--follow')
  const status = await rayts('status', runId)
  t.is(status.exitCode, 0, status.stderr)
  t.regex(status.stdout, /cli-session\s+running/)
  t.regex(status.stdout, /say_1\s+1\s+succeeded/)
  const got = await rayts('get', runId, 'say_1')
  t.is(got.stdout, 'first line')

  t.is(await ray.get(say.remote('second line')), 'second line')
  const dir = mkdtempSync(join(tmpdir(), 'session-'))
  const timeline = await rayts('timeline', runId, '-o', join(dir, 'trace.json'))
  t.is(timeline.exitCode, 0, timeline.stderr)
  t.true((JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as {traceEvents: unknown[]}).traceEvents.length > 0)

  await ray.shutdown() // the run ends: logs --follow prints what is left and exits
  const logs = await follow
  t.is(logs.exitCode, 0, logs.stderr)
  t.deepEqual(logs.stdout.split('\n'), ['say_1#1 | first line', 'say_2#1 | second line'])
  const after = await rayts('status', runId)
  t.regex(after.stdout, /cli-session\s+succeeded/)
})
