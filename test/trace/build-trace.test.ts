import test from 'ava'
import {buildTrace, graphDetail, type MetadataEvent} from '../../src/trace/index.js'
import type {CompiledGraph} from '../../src/graph/model.js'
import {validateTrace} from './validate-trace.js'
import {attemptSpans, checkTrace, flowEdges, flowEvents, instants, overlaps, spans, threadNames} from './helpers.js'
import {T, WALL, syntheticRun} from './synthetic-run.js'

const events = syntheticRun()
const trace = buildTrace(events)
const span = (name: string, attempt = 1) => attemptSpans(trace).find((s) => s.name === name && s.args['attempt'] === attempt)!

test('the synthetic run passes every timeline check', (t) => {
  checkTrace(t, events, trace)
})

test('one process named by graph and run id, with the run in otherData', (t) => {
  const meta = trace.traceEvents.filter((e): e is MetadataEvent => e.ph === 'M' && e.name === 'process_name')
  t.is(meta.length, 1)
  t.deepEqual(meta[0]!.args, {name: 'rayts synthetic r-synthetic'})
  t.true(trace.traceEvents.every((e) => e.pid === 1))
  t.is(trace.displayTimeUnit, 'ms')
  t.like(trace.otherData, {runId: 'r-synthetic', graph: 'synthetic', wallMs: WALL, startedAt: new Date(WALL).toISOString(), state: 'failed', spans: 10})
})

test('threads: scheduler, one per worker process, command slots, all sorted', (t) => {
  const names = [...threadNames(trace).values()]
  t.deepEqual(names.filter((n) => n.startsWith('worker')), ['worker 101', 'worker 102', 'worker 103'])
  t.deepEqual(names.filter((n) => n.startsWith('cmd')), ['cmd slot 1', 'cmd slot 2'])
  t.is(names[0], 'scheduler')
  const sorts = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_sort_index')
  t.is(sorts.length, names.length)
})

test('attempt spans: times relative to run start, from startedAt to end, with args', (t) => {
  const s = span('make[0]')
  t.is(s.ts, 2050)
  t.is(s.dur, 12000 - 2050)
  t.is(s.cat, 'succeeded')
  t.like(s.args, {task: 'make', attempt: 1, outcome: 'succeeded', workerPid: 101, kind: 'fn', queuedInWorkerMicros: 50, waitMicros: 1900})
  t.is(threadNames(trace).get(s.tid), 'worker 101')
  const crash = span('flaky')
  t.like(crash.args, {outcome: 'crash', error: 'CrashError: worker 102 died (SIGKILL)', signal: 'SIGKILL'})
  t.is(crash.cat, 'crash')
  t.is(span('slow').cat, 'timeout')
  t.is(span('bad').args['error'], 'ValueError: bad input')
  t.is(span('bad').cat, 'failed')
})

test('a batch queued in a worker: the second job starts when it really began, clamped past clock noise', (t) => {
  const first = span('make[0]')
  const second = span('make[1]')
  t.is(second.tid, first.tid)
  t.is(second.ts, first.ts + first.dur)
  t.is(second.args['clampedByMicros'], 3)
  t.is(second.args['queuedInWorkerMicros'], 11997 - 2000)
})

test('command attempts: process group in args, concurrent ones on different slots, lowest free slot', (t) => {
  const names = threadNames(trace)
  t.is(names.get(span('slow').tid), 'cmd slot 1')
  t.is(names.get(span('echo').tid), 'cmd slot 2')
  t.is(names.get(span('slow', 2).tid), 'cmd slot 1')
  t.is(names.get(span('report').tid), 'cmd slot 1')
  t.like(span('slow').args, {kind: 'cmd', pgid: 201, pid: 201, outcome: 'timeout'})
})

test('scheduler waits from ready to start, retries waiting from their retry time', (t) => {
  const waits = spans(trace).filter((s) => s.cat === 'wait')
  t.is(waits.length, 10)
  const sum = waits.find((w) => w.name === 'wait sum')!
  t.is(sum.ts, 30010)
  t.is(sum.dur, 90)
  const retry = waits.find((w) => w.name === 'wait flaky' && w.args['attempt'] === 2)!
  t.is(retry.ts, 15000)
  t.is(retry.dur, 1500)
  t.true(waits.every((w) => threadNames(trace).get(w.tid)!.startsWith('scheduler')))
})

test('queueing after the hand-out (a batch, a worker starting) shows next to the wait, on the same scheduler lane', (t) => {
  const queued = spans(trace).filter((s) => s.cat === 'queued')
  t.is(queued.length, 10)
  const make1 = queued.find((q) => q.name === 'queued make[1]')!
  t.is(make1.ts, 2000)
  t.is(make1.dur, 11997 - 2000)
  const wait = spans(trace).find((s) => s.name === 'wait make[1]')!
  t.is(wait.tid, make1.tid)
  t.is(wait.ts + wait.dur, make1.ts)
})

test('instants: crash, timeout, retry, worker start, recycle, failure, skip, run end', (t) => {
  const names = instants(trace).map((i) => i.name)
  for (const n of [
    'crash flaky',
    'timeout slow',
    'retry flaky',
    'retry slow',
    'worker start',
    'worker exit (crash)',
    'worker recycled (max_calls)',
    'worker exit (shutdown)',
    'failed bad',
    'skipped after_bad',
    'run failed',
  ]) {
    t.true(names.includes(n), n)
  }
  t.is(instants(trace).find((i) => i.name === 'retry slow')!.args!['retryAtMs'], 62.3)
  t.is(instants(trace).find((i) => i.name === 'run failed')!.s, 'p')
  t.true(instants(trace).every((i) => ['t', 'p', 'g'].includes(i.s)))
})

test('flows follow the dependency edges, from the successful attempt to the first attempt', (t) => {
  t.deepEqual(flowEdges(trace), ['flaky -> sum', 'make[0] -> sum', 'make[1] -> sum', 'slow -> report', 'sum -> report'].sort())
  const s = flowEvents(trace).filter((e) => e.ph === 's')
  t.is(s.length, 5)
  t.true(s.every((e) => e.cat === 'dependency'))
})

test('without deps in run-start, the compiled graph gives the edges and the function/command names', (t) => {
  const noDeps = syntheticRun(false)
  t.deepEqual(flowEdges(buildTrace(noDeps)), [])
  const graph = {
    tasks: [
      {id: 'make', kind: 'fn', fn: {name: 'make_array', module: '/m.mjs', export: 'makeArray'}, cmd: null},
      {id: 'slow', kind: 'cmd', fn: null, cmd: {kind: 'shell', script: 'sleep 1'}},
      {id: 'report', kind: 'cmd', fn: null, cmd: {kind: 'argv', argv: ['echo', 'a b', {}]}},
    ],
    instances: [
      {idx: 0, name: 'make[0]', deps: []},
      {idx: 1, name: 'make[1]', deps: []},
      {idx: 2, name: 'flaky', deps: []},
      {idx: 3, name: 'slow', deps: []},
      {idx: 4, name: 'echo', deps: []},
      {idx: 5, name: 'sum', deps: [0, 1, 2]},
      {idx: 6, name: 'report', deps: [3, 5]},
    ],
  } as unknown as CompiledGraph
  const withGraph = buildTrace(noDeps, {detail: graphDetail(graph)})
  t.deepEqual(flowEdges(withGraph), flowEdges(trace))
  checkTrace(t, noDeps, withGraph)
  const spanOf = (n: string) => attemptSpans(withGraph).find((s) => s.name === n)!
  t.is(spanOf('make[0]').args['function'], 'make_array')
  t.is(spanOf('slow').args['command'], 'sleep 1')
  t.is(spanOf('report').args['command'], 'echo "a b" …')
})

test('attempts still running when the events stop are drawn up to the last event, as unfinished', (t) => {
  const cut = syntheticRun().filter((e) => e.t <= T + 10000)
  const partial = buildTrace(cut)
  t.deepEqual(validateTrace(partial), [])
  t.deepEqual(overlaps(partial), [])
  t.is(partial.otherData.state, 'running')
  const unfinished = attemptSpans(partial).filter((s) => s.cat === 'unfinished')
  t.deepEqual(unfinished.map((s) => s.name).sort(), ['flaky', 'make[0]', 'make[1]', 'slow'])
  for (const s of unfinished) t.true(s.ts + s.dur <= 10000)
  t.is(attemptSpans(partial).find((s) => s.name === 'echo')!.cat, 'succeeded')
  t.false(instants(partial).some((i) => i.name.startsWith('run ')))
})

test('a run cancelled mid-attempt: the attempt ends as cancelled at the cancel', (t) => {
  const cut = syntheticRun().filter((e) => e.t <= T + 10000)
  cut.push({type: 'cancelled', t: T + 10500, inst: 0}, {type: 'run-end', t: T + 11000, state: 'cancelled'})
  const tr = buildTrace(cut)
  t.deepEqual(validateTrace(tr), [])
  const make0 = attemptSpans(tr).find((s) => s.name === 'make[0]')!
  t.is(make0.cat, 'cancelled')
  t.is(make0.ts + make0.dur, 10500)
  t.is(attemptSpans(tr).find((s) => s.name === 'slow')!.cat, 'cancelled')
  t.true(instants(tr).some((i) => i.name === 'cancelled make[0]'))
})

test('a run stopped by cancelled-rest: every attempt still running ends as cancelled, every unended instance gets its mark', (t) => {
  const cut = syntheticRun().filter((e) => e.t <= T + 10000)
  cut.push({type: 'cancelled-rest', t: T + 10500}, {type: 'run-end', t: T + 11000, state: 'cancelled'})
  const tr = buildTrace(cut)
  t.deepEqual(validateTrace(tr), [])
  for (const name of ['make[0]', 'slow']) {
    const span = attemptSpans(tr).find((s) => s.name === name)!
    t.is(span.cat, 'cancelled', name)
    t.is(span.ts + span.dur, 10500, name)
  }
  t.true(instants(tr).some((i) => i.name === 'cancelled make[0]'))
  t.false(instants(tr).some((i) => i.name === 'cancelled echo'), 'a succeeded instance is not cancelled')
})

test('no run-start: a clear error', (t) => {
  t.throws(() => buildTrace([]), {message: /no run-start/})
})
