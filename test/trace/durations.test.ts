// One definition of an attempt's duration (src/format/duration.ts): `rayts status` (text and
// --json), the timeline's attempt spans and the reporters agree on a real run with an
// attempt that fails, one that times out and one that succeeds.
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ChromeTrace, CompleteEvent} from '../../src/trace/index.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'rayts-durations-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

const rayts = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bin/dev.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: {...process.env, RAYTS_HOME: join(tmp, 'home'), OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'},
  })

test.serial('status, status --json, the timeline and the reporters give each attempt the same duration', (t) => {
  t.timeout(300_000)
  const run = rayts('run', 'test/trace/fixtures/durations.yaml', '--num-cpus', '3', '--timeline', join(tmp, 'trace.json'))
  t.is(run.status, 1, run.stderr)
  const trace = JSON.parse(readFileSync(join(tmp, 'trace.json'), 'utf8')) as ChromeTrace
  const spanMs = new Map<string, number>()
  for (const e of trace.traceEvents) if (e.ph === 'X' && !['wait', 'queued', 'phase'].includes(e.cat)) spanMs.set(e.name, (e as CompleteEvent).dur / 1000)
  t.deepEqual([...spanMs.keys()].sort(), ['boom', 'nap', 'slow'])

  const status = rayts('status', 'last', '--json')
  t.is(status.status, 0, status.stderr)
  const instances = (JSON.parse(status.stdout) as {instances: {instance: string; durationMs: number}[]}).instances
  for (const i of instances) {
    // the same microseconds, up to the clamp that keeps one worker's spans apart (a few µs)
    t.true(Math.abs(i.durationMs - spanMs.get(i.instance)!) < 0.05, `${i.instance}: status ${i.durationMs} ms, trace ${spanMs.get(i.instance)} ms`)
  }
  // the timed-out attempt ran about its 1 s limit, not the worker's start-up besides
  const slow = instances.find((i) => i.instance === 'slow')!
  t.true(slow.durationMs >= 1000 && slow.durationMs < 1400, `slow ${slow.durationMs} ms`)
  t.true(instances.find((i) => i.instance === 'boom')!.durationMs < 200, 'a failure at once is short')

  const text = rayts('status', 'last')
  t.regex(text.stdout, /^slow +1 +failed +\d+ +1(\.\d+)? s +timeout: TimeoutError$/m)
  // the plain reporter's ✓ line for nap: its duration to the ms
  const nap = /✓ nap (\d+\.\d{3}) s/.exec(run.stderr)
  t.truthy(nap, run.stderr)
  t.true(Math.abs(Number(nap![1]) - spanMs.get('nap')! / 1000) <= 0.0006, `${nap![1]} s against ${spanMs.get('nap')} ms`)
})

test.serial('a crashed attempt keeps its real duration in status --json and the timeline; an uncaught error its cause and log', (t) => {
  t.timeout(300_000)
  const run = rayts('run', 'test/trace/fixtures/crashes.yaml', '--num-cpus', '2', '--timeline', join(tmp, 'crashes.json'))
  t.is(run.status, 1, run.stderr)
  const trace = JSON.parse(readFileSync(join(tmp, 'crashes.json'), 'utf8')) as ChromeTrace
  const quitSpan = trace.traceEvents.find((e): e is CompleteEvent => e.ph === 'X' && e.name === 'quit' && !['wait', 'queued'].includes(e.cat))
  t.truthy(quitSpan)
  t.true(quitSpan!.dur >= 1_000_000, `timeline: quit ran ${quitSpan!.dur} µs`)

  const status = rayts('status', 'last', '--json')
  t.is(status.status, 0, status.stderr)
  const instances = (JSON.parse(status.stdout) as {instances: {instance: string; durationMs: number; error: {message: string}}[]}).instances
  const quit = instances.find((i) => i.instance === 'quit')!
  t.true(quit.durationMs >= 1000 && quit.durationMs < 5000, `status: quit ran ${quit.durationMs} ms`)
  t.true(Math.abs(quit.durationMs - quitSpan!.dur / 1000) < 0.05)
  t.regex(quit.error.message, /exited with code 5 while running quit$/)

  const thrown = instances.find((i) => i.instance === 'thrown')!
  t.regex(thrown.error.message, /exited on an uncaught exception while running thrown: Error: the real cause$/)
  const logs = rayts('logs', 'last', 'thrown')
  t.is(logs.status, 0, logs.stderr)
  t.regex(logs.stdout, /^thrown#1 \| Uncaught Error: the real cause\nthrown#1 \|     at .*durations\.mjs:\d+:\d+/)
})
