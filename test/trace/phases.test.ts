// Each fn attempt's phases (read inputs, execute, write result) as slices inside its span,
// in the trace of `run --timeline`, in `rayts timeline` (read back from the store, also as
// written from the recording thread), and in the HTML Gantt.
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ChromeTrace, CompleteEvent} from '../../src/trace/index.js'
import {phasesOf} from '../../src/trace/phases.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'rayts-phases-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

const rayts = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: root, encoding: 'utf8', env: {...process.env, RAYTS_HOME: join(tmp, 'home'), NO_COLOR: '1', ...env}})

function phasesIn(trace: ChromeTrace, instance: string): {attempt: CompleteEvent; phases: CompleteEvent[]} {
  const xs = trace.traceEvents.filter((e): e is CompleteEvent => e.ph === 'X')
  const attempt = xs.find((e) => e.name === instance && e.cat === 'succeeded')!
  const phases = xs.filter((e) => e.cat === 'phase' && (e.args as {instance?: string}).instance === instance)
  return {attempt, phases}
}

function checkWork(t: import('ava').ExecutionContext, trace: ChromeTrace): void {
  const {attempt, phases} = phasesIn(trace, 'work')
  t.truthy(attempt)
  t.deepEqual(phases.map((p) => p.name), ['read inputs', 'execute', 'write result'])
  for (const p of phases) {
    t.is(p.tid, attempt.tid, 'on the attempt\'s own thread')
    t.true(p.ts >= attempt.ts && p.ts + p.dur <= attempt.ts + attempt.dur, 'inside the attempt\'s span')
  }
  for (let k = 1; k < phases.length; k++) t.is(phases[k]!.ts, phases[k - 1]!.ts + phases[k - 1]!.dur, 'one after the other')
  t.true(phases[1]!.dur >= 290_000, `execute holds the 300 ms sleep: ${phases[1]!.dur} µs`)
  t.true(phases[0]!.dur > 0 && phases[2]!.dur > 0, 'reading 8 MB and writing 8 MB take time')
  t.deepEqual(phasesIn(trace, 'sh').phases, [], 'a cmd task has no phases')
}

for (const thread of ['0', '1']) {
  test.serial(`run --timeline and rayts timeline (from the store; RAYTS_RECORD_THREAD=${thread}): three phases inside each fn attempt`, (t) => {
    const env = {RAYTS_RECORD_THREAD: thread}
    const file = join(tmp, `run-${thread}.json`)
    const run = rayts(env, 'run', 'test/trace/fixtures/phases.yaml', '--timeline', file)
    t.is(run.status, 0, run.stderr)
    checkWork(t, JSON.parse(readFileSync(file, 'utf8')) as ChromeTrace)
    const stored = join(tmp, `stored-${thread}.json`)
    const timeline = rayts(env, 'timeline', 'last', '-o', stored)
    t.is(timeline.status, 0, timeline.stderr)
    checkWork(t, JSON.parse(readFileSync(stored, 'utf8')) as ChromeTrace)
  })
}

test.serial('the HTML Gantt draws the phases as strips inside the bars, with a legend', (t) => {
  const html = join(tmp, 'g.html')
  const r = rayts({}, 'timeline', 'last', '-o', html)
  t.is(r.status, 0, r.stderr)
  const text = readFileSync(html, 'utf8')
  for (const name of ['read inputs', 'execute', 'write result']) {
    t.regex(text, new RegExp(`<rect class="phase"[^>]*><title>${name}\\nphase · `))
    t.regex(text, new RegExp(`</i>${name}</span>`))
  }
})

test('phasesOf: clamped into the attempt; none when not known', (t) => {
  t.deepEqual(phasesOf({startedAt: 10, endedAt: 50, calledAt: null, returnedAt: null}), [])
  t.deepEqual(phasesOf({startedAt: 10, endedAt: 50, calledAt: 5, returnedAt: 60}).map((p) => [p.start, p.end]), [[10, 10], [10, 50], [50, 50]])
  t.deepEqual(phasesOf({startedAt: 10, endedAt: 50, calledAt: 20, returnedAt: 45}).map((p) => [p.name, p.start, p.end]), [['read inputs', 10, 20], ['execute', 20, 45], ['write result', 45, 50]])
})
