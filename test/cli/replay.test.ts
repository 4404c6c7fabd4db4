// `rayts replay RUN REF`: one fn instance called again in a fresh process with the very
// arguments of the run (typed arrays, a value from the object store), its env and cwd.
// The fixture is copied to a temporary folder so that its module can be touched.
import test from 'ava'
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {until} from '../helpers/poll.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const base = mkdtempSync(join(tmpdir(), 'rayts-replay-'))
const home = join(base, 'home')
const dir = join(base, 'g')
cpSync(join(root, 'test/cli/fixtures/replay'), dir, {recursive: true})
test.after.always(() => rmSync(base, {recursive: true, force: true}))

const env = {...process.env, RAYTS_HOME: home, NO_COLOR: '1', CI: '1'}
function rayts(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: root, encoding: 'utf8', env})
}
const fingerprint = (text: string): string | undefined => /fingerprint ([0-9a-f]{64})/.exec(text)?.[1]

let runId = ''
const logged = new Map<string, string>()
test.before(() => {
  const run = rayts('run', join(dir, 'replay.yaml'))
  if (run.status !== 1) throw new Error(`the run should fail check[1]: ${run.status} ${run.stderr}`)
  runId = /run (\S+) failed/.exec(run.stderr)![1]!
  for (const name of ['check[0]', 'check[1]']) logged.set(name, fingerprint(rayts('logs', runId, name).stdout)!)
})

test.serial('a succeeded instance: the same arguments (object-store Float64Array, typed arrays, Map, BigInt, Date), env and cwd; its result on stdout, exit 0', (t) => {
  const r = rayts('replay', runId, 'check[0]')
  t.is(r.status, 0, r.stderr)
  t.truthy(logged.get('check[0]'))
  t.true(readdirSync(join(home, 'blobs', runId, 'objects')).length > 0, 'big crossed through the object store, and was kept')
  t.is(fingerprint(r.stderr), logged.get('check[0]'), 'what it printed goes to stderr, and it was given the same')
  t.is(r.stdout, `{ fp: '${logged.get('check[0]')}', kind: 'Float64Array', len: 50000 }\n`)
  t.notRegex(r.stderr, /changed since/)
})

test.serial('a failed instance: the same arguments, its error with the user\'s stack in the .ts file, exit 1', (t) => {
  const r = rayts('replay', runId, 'check.1')
  t.is(r.status, 1, r.stderr)
  t.is(fingerprint(r.stderr), logged.get('check[1]'))
  t.regex(r.stderr, /check\.1 \(check\[1\]\) failed: ValueError: bad input 1/)
  t.regex(r.stderr, /at failWith \(.*replay\.ts:27:9\)\n\s+at check \(.*replay\.ts:22:16\)/)
  t.notRegex(r.stderr, /replay-child|node:internal/)
  t.is(r.stdout, '')
})

test.serial('num_returns applies: the parts as one array', (t) => {
  const r = rayts('replay', runId, 'two')
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout, "[ 42, 'x=21' ]\n")
})

test.serial('refused: a cmd task (its command, env and cwd printed), an instance whose input has no value, a whole fan-out', (t) => {
  const sh = rayts('replay', runId, 'sh')
  t.is(sh.status, 2)
  t.is(sh.stderr, `sh is a cmd task: replay runs fn tasks only. To run it again by hand:\n  cd ${dir}\n  GREETING='hello there' sh -c 'echo "$GREETING"'\n`)
  const after = rayts('replay', runId, 'after')
  t.is(after.status, 2)
  t.regex(after.stderr, /^Error: cannot replay after: the value of an input was not kept \(check\[1\] failed\)$/m)
  const whole = rayts('replay', runId, 'check')
  t.is(whole.status, 2)
  t.regex(whole.stderr, /task check has 2 instances: name one, such as check\[0\]/)
})

test.serial('a module changed since the run: said, and today\'s code replays', (t) => {
  const module = join(dir, 'replay.ts')
  const later = new Date(Date.now() + 60_000)
  utimesSync(module, later, later)
  const r = rayts('replay', runId, 'check[0]')
  t.is(r.status, 0, r.stderr)
  t.regex(r.stderr, new RegExp(`rayts: the module ${module.replace(/[.]/g, '\\.')} changed since run ${runId} \\(modified .*\\): replaying today's code`))
  t.is(readFileSync(module, 'utf8').length > 0, true)
})

test.serial('--inspect: the inspector listens on 127.0.0.1 before the task runs; a signal ends both processes (exit 130)', async (t) => {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'replay', runId, 'check[0]', '--inspect', '--inspect-port', '0'], {cwd: root, env})
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  try {
    await until('the inspector to listen', () => /Debugger listening on ws:\/\/127\.0\.0\.1:\d+\//.test(stderr), 30_000)
    const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)![1])
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {webSocketDebuggerUrl: string}[]
    t.regex(list[0]!.webSocketDebuggerUrl, new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`))
    t.notRegex(stderr, /fingerprint/, 'paused: the task has not run')
    child.kill('SIGTERM')
    t.is(await exited, 130)
    t.regex(stderr, /the replay of check\[0\] was interrupted/)
    t.is(stdout, '')
    await t.throwsAsync(fetch(`http://127.0.0.1:${port}/json/list`), undefined, 'the inspected process is gone')
  } finally {
    child.kill('SIGKILL')
  }
})
