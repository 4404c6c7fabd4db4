// The live UI end to end on a fake terminal: finished lines above the live region, the
// final frame, cancelling…, results on stdout only when stdout is not a terminal.
import test from 'ava'
import {attachReporter} from '../../src/ui/index.js'
import {Capture, Script, instances, valueError} from './helpers.js'

// Ink draws only its last frame when it believes it runs in CI (is-in-ci, read when Ink is
// first imported, which the reporter does lazily, after this). These tests look at the frames
// on a terminal of their own, so CI's variables (set where .ci/run runs) are not theirs.
for (const key of Object.keys(process.env)) if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete process.env[key]

class FakeTerminal extends Capture {
  rows = 24
  columns = 100
  constructor() {
    super({isTTY: true})
  }
}

// the screen as a terminal would keep it is hard to rebuild from escape codes; what was
// written with the escapes stripped is enough to check what reached the terminal and how often
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

async function inkRun(stdoutIsTTY: boolean) {
  const s = new Script()
  const term = new FakeTerminal()
  const out = stdoutIsTTY ? term : new Capture({isTTY: false})
  // the tasks' own lines in the store only, so that a failure lists its last ones
  const r = await attachReporter(s.events, {renderer: 'ink', color: false, stdout: out, stderr: term as unknown as NodeJS.WriteStream, clock: s.clock, quietTasks: true})
  s.start(instances(['id1', 'id2', 'id3'], {maxRetries: 1}), ['id1', 'id3'])
  s.run(0).run(1).at(1).ok(0, new Float64Array([1, 2]), s.base)
  for (let i = 1; i <= 12; i++) s.log(1, `log ${i}`)
  s.attemptFailed(1, valueError, false).fail(1, valueError)
  await new Promise((res) => setTimeout(res, 120)) // a few frames
  r.cancelling()
  await new Promise((res) => setTimeout(res, 60))
  s.emit({type: 'cancelled', t: s.now, inst: 2}).at(2).end('cancelled')
  await r.close()
  return {screen: strip(term.text), out: out === term ? '' : (out as Capture).text}
}

test.serial('Ink: results and failures (error, stack, last 10 log lines) written once above the live region', async (t) => {
  const {screen, out} = await inkRun(false)
  t.is(screen.split('✓ id1 (1.000 s): Float64Array(2) [ 1, 2 ]').length - 1, 1)
  t.is(screen.split('✗ id2 ValueError: bad input').length - 1, 1)
  t.regex(screen, / {4}at f \(\/m\.mjs:3:9\)\n {2}last 10 log lines:\n {2}│ log 3\n/)
  t.regex(screen, /│ log 12\n/)
  t.notRegex(screen, /│ log 2\n/)
  t.regex(screen, /cancelling…/)
  t.regex(screen, /run r1 cancelled: 1 succeeded, 1 failed, 1 cancelled in 2\.000 s/)
  t.regex(screen, /rayts timeline r1 -o trace\.json/)
  // stdout redirected: the results go there too, as plain lines
  t.is(out, 'id1 (1.000 s): Float64Array(2) [ 1, 2 ]\n')
})

test.serial('Ink: with stdout on the same terminal, results are not written to it a second time', async (t) => {
  const {screen} = await inkRun(true)
  t.is(screen.split('id1 (1.000 s): Float64Array(2) [ 1, 2 ]').length - 1, 1)
})

test.serial('Ink: the first frame is drawn at once when the run starts, before the scheduler goes on (no timer needed)', async (t) => {
  const s = new Script()
  const term = new FakeTerminal()
  const r = await attachReporter(s.events, {renderer: 'ink', color: false, stdout: term, stderr: term as unknown as NodeJS.WriteStream, clock: s.clock})
  // `rayts: starting…` while Ink loaded, then erased (\r, erase line): nothing left before the run starts
  t.regex(term.text, /^(rayts: starting…\r\u001B\[2K)?$/, 'nothing before the run starts')
  s.start(instances(['a', 'b']), ['b'])
  // synchronously, in the same turn as run-start: what the terminal has now is the frame
  t.regex(strip(term.text), /rayts g {2}run r1 {2}0\.0 s/)
  t.regex(strip(term.text), /░ 0\/2 0%/)
  s.end('cancelled')
  await r.close()
})

test.serial('Ink: a final frame taller than the terminal is written above, and the last line ends with a newline', async (t) => {
  const s = new Script()
  const term = new FakeTerminal()
  term.rows = 6
  term.columns = 40
  const r = await attachReporter(s.events, {renderer: 'ink', color: false, stdout: term, stderr: term as unknown as NodeJS.WriteStream, clock: s.clock})
  s.start(instances(['id1', 'id2']), ['id1', 'id2'])
  s.run(0).run(1).at(1).ok(0, 'one', s.base).ok(1, 'two', s.base).end()
  await r.close()
  const text = term.text
  t.false(text.includes('\x1b[2J') || text.includes('\x1b[3J'), 'the screen is never cleared')
  t.true(strip(text).endsWith('rayts timeline r1 -o trace.json\n'), JSON.stringify(strip(text).slice(-80)))
  t.is(strip(text).split('✓ id2 (1.000 s): two').length - 1, 1)
})
