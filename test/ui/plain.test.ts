import test from 'ava'
import {attachReporter, chooseRenderer, wantColor} from '../../src/ui/index.js'
import {Chalk} from 'chalk'
import type {TaskFailure} from '../../src/core/events.js'
import {failureLines} from '../../src/ui/sink.js'
import {Capture, Script, instances, valueError} from './helpers.js'

const tty = {isTTY: true}
const pipe = {isTTY: false}

test('chooseRenderer: Ink only on a terminal, outside CI, TERM not dumb, not json', (t) => {
  t.is(chooseRenderer({json: false, stderr: tty, env: {TERM: 'xterm'}}), 'ink')
  t.is(chooseRenderer({json: false, stderr: pipe, env: {}}), 'plain')
  t.is(chooseRenderer({json: false, stderr: tty, env: {CI: '1'}}), 'plain')
  t.is(chooseRenderer({json: false, stderr: tty, env: {CI: 'false'}}), 'ink')
  t.is(chooseRenderer({json: false, stderr: tty, env: {TERM: 'dumb'}}), 'plain')
  t.is(chooseRenderer({json: true, stderr: tty, env: {}}), 'json')
})

test('wantColor: --no-color, NO_COLOR, TERM=dumb and non-terminals turn colour off', (t) => {
  t.true(wantColor({stream: tty, env: {}}))
  t.false(wantColor({flag: false, stream: tty, env: {}}))
  t.false(wantColor({stream: tty, env: {NO_COLOR: '1'}}))
  t.false(wantColor({stream: tty, env: {TERM: 'dumb'}}))
  t.false(wantColor({stream: pipe, env: {}}))
  t.false(wantColor({stream: tty, env: {FORCE_COLOR: '0'}}))
  t.true(wantColor({stream: pipe, env: {FORCE_COLOR: '1'}}))
})

async function plainRun(env: Record<string, string>, quietTasks = false) {
  const s = new Script()
  const out = new Capture({isTTY: false})
  const err = new Capture({isTTY: false})
  const renderer = chooseRenderer({json: false, stderr: err, env})
  const color = wantColor({stream: err, env})
  const r = await attachReporter(s.events, {renderer, color, stdout: out, stderr: err, clock: s.clock, quietTasks})
  s.start(instances(['id1', 'id2', 'id3', 'id4'], {maxRetries: 3}), ['id3', 'id4'])
  s.run(0).run(1).at(1.002).ok(0, new Float64Array(20).fill(0.25), s.base)
  s.attemptFailed(1, {kind: 'crash', name: 'CrashError', message: 'worker died'}, true)
  s.run(1, 2).at(2).ok(1, 2, s.base + 1e6, 2).run(2).at(2.5)
  s.log(2, 'reading input\nabout to fail\n').attemptFailed(2, valueError, false).fail(2, valueError)
  s.emit({type: 'skipped', t: s.now, inst: 3, because: 2}).end('failed')
  r.cancelling()
  await r.close()
  return {renderer, out: out.text, err: err.text}
}

for (const [title, env] of [
  ['stderr not a terminal', {TERM: 'xterm-256color'}],
  ['CI=1', {CI: '1', TERM: 'xterm-256color'}],
] as const) {
  test(`plain reporter (${title}): plain lines, no escape codes`, async (t) => {
    const {renderer, out, err} = await plainRun(env)
    t.is(renderer, 'plain')
    t.false(out.includes('\x1b'))
    t.false(err.includes('\x1b'))
    t.is(out, '')  // the output tasks failed or were skipped: no result lines
    const lines = err.split('\n')
    t.is(lines[0], '✓ id1 1.002 s')
    t.is(lines[1], '↻ id2 retry 2/4 after crash')
    t.is(lines[2], '✓ id2 1.000 s')
    t.is(lines[3], 'id3#1 | reading input') // the task's own output, live
    t.is(lines[4], 'id3#1 | about to fail')
    t.is(lines[5], '✗ id3 ValueError: bad input')
    // the lines it printed are just above: the failure does not repeat them
    t.regex(err, /\n {4}at f \(\/m\.mjs:3:9\)\n- id4 skipped \(id3 failed\)/)
    t.notRegex(err, /log lines?:/)
    t.regex(err, /cancelling…/)
    t.regex(err, /run r1 failed: 2 succeeded, 1 failed, 1 skipped in 2\.500 s \(1\.2 tasks\/s, 1 retry\)/) // 3 ran (the skipped one did not) in 2.5 s
    t.regex(err, /slowest: id1 1\.002 s, id2 1\.000 s/)
    t.regex(err, /rayts status r1\nrayts timeline r1 -o trace\.json/)
  })
}

test('plain reporter: output results on stdout with the elapsed time since run start', async (t) => {
  const s = new Script()
  const out = new Capture()
  const err = new Capture()
  const r = await attachReporter(s.events, {renderer: 'plain', color: false, stdout: out, stderr: err, clock: s.clock})
  s.start(instances(['id1', 'id2', 'id3']), ['id3'])
  s.run(0).run(1).at(2).ok(0, 1).ok(1, 2).run(2).at(4.012).ok(2, Float64Array.from({length: 20}, (_, i) => i / 4)).end()
  await r.close()
  t.is(out.text, `id3 (4.012 s): Float64Array(20) [ ${Array.from({length: 20}, (_, i) => i / 4).join(', ')} ]\n`)
})

test('colour on: the plain reporter colours its marks', async (t) => {
  const s = new Script()
  const err = new Capture()
  const r = await attachReporter(s.events, {renderer: 'plain', color: true, stdout: new Capture(), stderr: err, clock: s.clock})
  s.start(instances(['a']), ['a']).run(0).at(1).ok(0, 1, s.base).end()
  await r.close()
  t.true(err.text.includes('\x1b[32m✓\x1b[39m a'))
})

test('plain reporter, --quiet-tasks: no live lines, and a failure ends with its last log lines', async (t) => {
  const {err} = await plainRun({TERM: 'xterm-256color'}, true)
  t.notRegex(err, /id3#1 \|/)
  t.regex(err, /✗ id3 ValueError: bad input\n(.*\n)* {4}at f \(\/m\.mjs:3:9\)\n {2}last 2 log lines:\n {2}│ reading input\n {2}│ about to fail\n- id4 skipped/)
})

test('a failure whose message holds all its last log lines (a command\'s stderr tail) does not list them again', (t) => {
  const c = new Chalk({level: 0})
  const error = {kind: 'error', name: 'ExitError', message: 'command exited with code 3\noops\nreally', fields: {}} as unknown as TaskFailure
  const f = {inst: 0, name: 'noisy', error, elapsedMicros: 1, logTail: ['oops', 'really']}
  t.is(failureLines(f, c, false).join('\n'), '✗ noisy ExitError: command exited with code 3\n    oops\n    really')
  t.regex(failureLines({...f, logTail: ['warming up', 'oops']}, c, false).join('\n'), /last 2 log lines:\n {2}│ warming up\n {2}│ oops$/)
  t.notRegex(failureLines({...f, logTail: ['warming up', 'oops']}, c, true).join('\n'), /log lines?:/)
})
