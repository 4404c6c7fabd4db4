// Timelines of real runs: the lead's runtime on the example graphs, events taken from the
// run's stream as they are emitted.
import test from 'ava'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compileGraphFile} from '../../src/graph/index.js'
import type {RunEvent} from '../../src/core/events.js'
import {createRun} from '../../src/runtime/run.js'
import {buildTrace} from '../../src/trace/index.js'
import {attemptSpans, checkTrace, flowEdges, instants, spans, threadNames} from './helpers.js'

const graphs = new URL('../../graphs/', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'rayts-trace-real-'))
process.env['RAYTS_HOME'] = join(tmp, 'home')
process.env['RAYTS_EXAMPLE_STATE'] = join(tmp, 'state')
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

async function runGraph(file: string, set: readonly string[] = [], numCpus = 2): Promise<RunEvent[]> {
  const compiled = compileGraphFile(file, {set})
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('\n'))
  const handle = createRun(compiled.graph, {runId: `trace-${Date.now().toString(36)}`, numCpus})
  const events: RunEvent[] = []
  handle.events.subscribe((e) => events.push(e))
  handle.start()
  await handle.done
  return events
}

test.serial('arrays-wait: every attempt a span, flows make[i] -> add[i], batches and waits on the scheduler', async (t) => {
  const events = await runGraph(join(graphs, 'arrays-wait.yaml'))
  t.is(events.at(-1)?.type, 'run-end')
  const trace = buildTrace(events)
  checkTrace(t, events, trace)
  t.is(attemptSpans(trace).length, 10)
  t.true(attemptSpans(trace).every((s) => s.cat === 'succeeded' && s.args['kind'] === 'fn'))
  t.deepEqual(
    flowEdges(trace),
    [0, 1, 2, 3, 4].map((i) => `make[${i}] -> add[${i}]`),
  )
  t.true([...threadNames(trace).values()].some((n) => /^worker \d+$/.test(n)))
  t.is(spans(trace).filter((s) => s.cat === 'wait').length, 10)
  t.is(attemptSpans(trace).find((s) => s.name === 'add[4]')!.args['function'], 'add_arrays')
})

test.serial('retries: crashes and a retried error show as spans and instants on their workers', async (t) => {
  const events = await runGraph(join(graphs, 'retries.yaml'))
  const trace = buildTrace(events)
  checkTrace(t, events, trace)
  const crash = attemptSpans(trace).filter((s) => s.name === 'crash')
  t.deepEqual(
    crash.map((s) => s.cat),
    ['crash', 'crash', 'succeeded'],
  )
  t.deepEqual(
    attemptSpans(trace)
      .filter((s) => s.name === 'flaky')
      .map((s) => s.cat),
    ['failed', 'succeeded'],
  )
  t.is(instants(trace).filter((i) => i.name === 'retry crash').length, 2)
  t.is(instants(trace).filter((i) => i.name === 'retry flaky').length, 1)
  t.is(instants(trace).filter((i) => i.name === 'worker exit (crash)').length, 2)
  // each crash happened on its own worker, which its thread is named after
  for (const s of crash.slice(0, 2)) t.is(threadNames(trace).get(s.tid), `worker ${String(s.args['workerPid'])}`)
})

test.serial('commands: process groups, concurrent commands on separate slots, flows from fn to cmd to fn', async (t) => {
  const events = await runGraph(join(graphs, 'commands.yaml'))
  const trace = buildTrace(events)
  checkTrace(t, events, trace)
  const cmds = attemptSpans(trace).filter((s) => s.args['kind'] === 'cmd')
  t.is(cmds.length, 3)
  for (const s of cmds) {
    t.is(typeof s.args['pgid'], 'number')
    t.regex(threadNames(trace).get(s.tid)!, /^cmd slot \d+$/)
  }
  const edges = flowEdges(trace)
  for (const e of ['id1 -> counted', 'id1 -> numbers', 'words -> sorted', 'numbers -> sum']) t.true(edges.includes(e), e)
})

test.serial('a timeout and max_calls recycling in a real run', async (t) => {
  const dir = join(tmp, 'g')
  rmSync(dir, {recursive: true, force: true})
  const {mkdirSync} = await import('node:fs')
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'm.mjs'), 'export const one = (x) => x\n')
  writeFileSync(
    join(dir, 'g.yaml'),
    [
      'version: 1',
      'module: ./m.mjs',
      'tasks:',
      '  slow: { cmd: [sleep, "5"], timeout: 300ms, max_retries: 1 }',
      '  a: { fn: one, foreach: {range: 2}, args: [!index], max_calls: 1 }',
      '  b: { fn: one, args: [!ref a], max_calls: 1 }',
      '',
    ].join('\n'),
  )
  const events = await runGraph(join(dir, 'g.yaml'))
  const trace = buildTrace(events)
  checkTrace(t, events, trace)
  t.deepEqual(
    attemptSpans(trace)
      .filter((s) => s.name === 'slow')
      .map((s) => s.cat),
    ['timeout', 'timeout'],
  )
  t.is(instants(trace).filter((i) => i.name === 'timeout slow').length, 2)
  t.true(instants(trace).some((i) => i.name === 'failed slow'))
  t.true(instants(trace).filter((i) => i.name === 'worker recycled (max_calls)').length >= 2)
  t.deepEqual(
    flowEdges(trace),
    ['a[0] -> b', 'a[1] -> b'],
  )
})
