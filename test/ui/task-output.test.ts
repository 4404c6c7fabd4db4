// A task's own output on the run's stderr, prefixed as `rayts logs` prefixes it.
import test from 'ava'
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {attachReporter} from '../../src/ui/index.js'
import {Capture, Script, instances} from './helpers.js'
import {Tmux, hasTmux, lines, root} from './tmux.js'

async function scripted(renderer: 'plain' | 'json', quietTasks = false) {
  const s = new Script()
  const out = new Capture()
  const err = new Capture()
  const r = await attachReporter(s.events, {renderer, color: false, stdout: out, stderr: err, clock: s.clock, quietTasks})
  s.start(instances(['c[0]', 'c[1]']), ['c'])
  s.run(0).run(1)
  s.log(0, 'one\ntw').log(1, 'other\n').log(0, 'o\nthr').emit({type: 'log', t: s.now, inst: 0, attempt: 1, stream: 'stderr', text: 'warn\n'})
  s.at(1).ok(0, 0).ok(1, 1).end()
  await r.close()
  return {out: out.text, err: err.text}
}

test('plain: each line once, prefixed ID#ATTEMPT, a line cut across chunks joined, the unfinished one at attempt end', async (t) => {
  const {out, err} = await scripted('plain')
  t.false(out.includes(' | '))
  const printed = err.split('\n').filter((l) => l.includes(' | '))
  t.deepEqual(printed, ['c[0]#1 | one', 'c[1]#1 | other', 'c[0]#1 | two', 'c[0]#1 | warn', 'c[0]#1 | thr'])
})

test('--json: task output on stderr only, stdout stays JSON', async (t) => {
  const {out, err} = await scripted('json')
  for (const l of out.trimEnd().split('\n')) t.notThrows(() => JSON.parse(l))
  t.regex(err, /^c\[0\]#1 \| one$/m)
})

test('quietTasks: nothing printed', async (t) => {
  const {out, err} = await scripted('plain', true)
  t.false(out.includes(' | ') || err.includes(' | '))
})

function runCli(args: string[]): Promise<{stdout: string; stderr: string; code: number | null}> {
  const home = mkdtempSync(join(tmpdir(), 'rayts-out-'))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: root, env: {...process.env, RAYTS_HOME: home, CI: '1', NO_COLOR: '1'}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)))
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
    child.on('close', (code) => {
      rmSync(home, {recursive: true, force: true})
      resolve({stdout, stderr, code})
    })
  })
}

/** every expected line of each printing task once, in order per instance */
function checkChatty(t: import('ava').ExecutionContext, stderr: string): void {
  const got = new Map<string, string[]>()
  for (const l of stderr.split('\n')) {
    const m = /^(\S+)#1 \| (.*)$/.exec(l)
    if (m) got.set(m[1]!, [...(got.get(m[1]!) ?? []), m[2]!])
  }
  for (const i of [0, 1, 2]) {
    const want: string[] = []
    const errs: string[] = []
    for (let n = 1; n <= 3000; n++) {
      want.push(`c${i} line ${n}`)
      if (n % 10 === 0) errs.push(`c${i} err ${n}`)
    }
    const lines = got.get(`c[${i}]`) ?? []
    t.deepEqual(lines.filter((l) => l.includes(' line ')), want)
    t.deepEqual(lines.filter((l) => l.includes(' err ')), errs)
    t.is(lines.at(-1), `c${i} tail`)
    t.is(lines.length, 3000 + 300 + 1)
  }
  t.deepEqual(got.get('sh'), Array.from({length: 2000}, (_, n) => `sh err ${n + 1}`))
}

test.serial('rayts run (plain): a fast-printing task\'s lines reach stderr live, each once, in order', async (t) => {
  t.timeout(120_000)
  const {stdout, stderr, code} = await runCli(['run', 'test/ui/fixtures/chatty.yaml'])
  t.is(code, 0, stderr.slice(-2000))
  t.false(stdout.includes(' | '))
  t.regex(stdout, /^sh \(.*\): result$/m)
  checkChatty(t, stderr)
})

test.serial('rayts run --json: the lines on stderr, stdout JSON lines only; --quiet-tasks prints none', async (t) => {
  t.timeout(120_000)
  const json = await runCli(['run', 'test/ui/fixtures/chatty.yaml', '--json'])
  t.is(json.code, 0)
  for (const l of json.stdout.trimEnd().split('\n')) t.notThrows(() => JSON.parse(l))
  checkChatty(t, json.stderr)
  const quiet = await runCli(['run', 'test/ui/fixtures/chatty.yaml', '--quiet-tasks'])
  t.is(quiet.code, 0)
  t.false(quiet.stderr.includes(' | '))
})

;(hasTmux ? test.serial : test.skip)('live UI: the tasks\' lines scroll above the live region, each once', async (t) => {
  t.timeout(120_000)
  const term = new Tmux(100, 30)
  try {
    term.run('./bin/run.js run test/ui/fixtures/chatty-few.yaml')
    await term.waitFor(/EXIT=\d+/, 100_000)
    const all = term.history()
    t.regex(all, /EXIT=0/)
    for (const i of [0, 1, 2]) {
      const mine = lines(all, new RegExp(`^c\\[${i}\\]#1 \\| `)).map((l) => l.replace(/^\S+ \| /, '').trimEnd())
      const want = [...Array.from({length: 20}, (_, n) => [`c${i} line ${n + 1}`, ...((n + 1) % 10 === 0 ? [`c${i} err ${n + 1}`] : [])]).flat(), `c${i} tail`]
      t.deepEqual(mine, want)
    }
    t.is(lines(all, /^pending \d+ ·/).length, 1, 'one frame of the live region remains')
  } finally {
    term.kill()
  }
})
