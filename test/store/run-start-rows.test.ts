// The stored run-start keeps its instances' descriptions out (the instance rows hold them):
// readers get every instance back with its dependencies, from a new store and from one
// written before (whose run-start still describes every instance).
import test from 'ava'
import type {EventOf, InstanceInfo, RunEvent} from '../../src/core/events.js'
import {getInstance, newRunId, readEvents, recordRun, type Store} from '../../src/store/index.js'
import {createRecordWriter} from '../../src/store/record/record-writer.js'
import {nowMicros} from '../../src/core/clock.js'
import {buildTrace, type TraceEvent} from '../../src/trace/index.js'
import {runEvents} from '../../src/dashboard/queries.js'
import {taskGraph} from '../../src/dashboard/task-graph.js'
import {timelinePage} from '../../src/dashboard/timeline.js'
import {instancesOf, META, storeFromFixture, storeIn, SyntheticRun} from './helpers.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const N = 10_000

/** a[i] (fn) → b[i] (cmd), N instances in all, described as the runtime describes them */
function pairs(n: number): InstanceInfo[] {
  const out: InstanceInfo[] = []
  const half = n / 2
  for (let i = 0; i < half; i++) {
    out.push({idx: i, name: `a[${i}]`, task: 'a', index: i, deps: [], numCpus: 1, resources: {}, maxRetries: 3, kind: 'fn', what: 'sq', maxCalls: 0})
  }
  for (let i = 0; i < half; i++) {
    out.push({idx: half + i, name: `b[${i}]`, task: 'b', index: i, deps: [i], numCpus: 0.5, resources: {gpu: 1}, maxRetries: 0, kind: 'cmd', what: 'echo <ref>', maxCalls: 0})
  }
  return out
}

const argsOf = (e: TraceEvent) => ('args' in e ? e.args : {}) as {instance?: string; command?: string}

const runStartOf = (events: readonly RunEvent[]): EventOf<'run-start'> => events.find((e): e is EventOf<'run-start'> => e.type === 'run-start')!

/** the bytes of the stored run-start (one item of its event row) */
function storedRunStartBytes(store: Store, runId: string): number {
  for (const r of store.db.prepare('SELECT json FROM events WHERE run_id = ? ORDER BY seq').all(runId) as {json: string}[]) {
    const items = JSON.parse(r.json) as unknown[]
    const head = items.find((x) => (x as {type?: string}).type === 'run-start')
    if (head) return Buffer.byteLength(JSON.stringify(head))
  }
  throw new Error('no stored run-start')
}

test(`the stored run-start of a ${N.toLocaleString('en')}-instance run is small; the timeline and dashboard still show every instance with its dependencies`, (t) => {
  const store = storeIn(t)
  const instances = pairs(N)
  const run = new SyntheticRun(newRunId(), instances, ['b'])
  recordRun(store, run.events, META)
  run.start()
  for (const i of instances) run.succeed(i.name, i.idx)
  run.end()
  // another run in the same store, with other instances under the same names: no sharing
  const other = new SyntheticRun(newRunId(), [{idx: 0, name: 'b[0]', task: 'b', index: 0, deps: []}, {idx: 1, name: 'a[0]', task: 'a', index: 0, deps: [0]}], [])
  recordRun(store, other.events, META)
  other.start()
  other.end()

  const bytes = storedRunStartBytes(store, run.runId)
  t.true(bytes < 1000, `stored run-start is ${bytes} bytes`)
  t.is(getInstance(store, run.runId, 'b[7]')!.state, 'succeeded')

  // read back as emitted (in memory the event held every description)
  const events = readEvents(store, run.runId)
  t.deepEqual(runStartOf(events).instances, instances)
  t.deepEqual(runStartOf(runEvents(store, run.runId)).instances, instances)
  t.deepEqual(runStartOf(readEvents(store, other.runId)).instances, other.instances)

  // the timeline: a span per instance, and a dependency arrow for each b[i]
  const trace = buildTrace(events)
  const spans = new Set(trace.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'wait' && e.cat !== 'queued').map((e) => argsOf(e).instance))
  t.is(spans.size, N)
  t.is(trace.traceEvents.filter((e) => e.ph === 's').length, N / 2)
  const b9 = trace.traceEvents.find((e) => e.ph === 'X' && argsOf(e).instance === 'b[9]' && argsOf(e).command !== undefined)
  t.like(b9 && argsOf(b9), {kind: 'cmd', command: 'echo <ref>'}, 'the task-wide description (cmd) is back')

  // the dashboard: its task graph, and its timeline page from the same store
  t.deepEqual(taskGraph(store, run.runId), {tasks: ['a', 'b'], edges: [['a', 'b']]})
  t.deepEqual(taskGraph(store, other.runId), {tasks: ['b', 'a'], edges: [['b', 'a']]})
  const page = timelinePage(runEvents(store, run.runId))
  t.true(page.html.includes('b[4999]'))
})

test('a resumed run whose graph changed reads back the latest session\'s instances', (t) => {
  const store = storeIn(t)
  const id = newRunId()
  const one = new SyntheticRun(id, [{idx: 0, name: 'x', task: 'x', index: null, deps: []}, {idx: 1, name: 'y', task: 'y', index: null, deps: [0]}], [])
  recordRun(store, one.events, META)
  one.start()
  one.succeed('x', 1)
  one.end('failed')
  const second: InstanceInfo[] = [
    {idx: 0, name: 'y', task: 'y', index: null, deps: []},
    {idx: 1, name: 'z', task: 'z', index: null, deps: [0]},
  ]
  const two = new SyntheticRun(id, second, [])
  recordRun(store, two.events, META)
  two.start()
  two.succeed('y', 2)
  two.succeed('z', 3)
  two.end()
  t.deepEqual(runStartOf(readEvents(store, id)).instances, second)
  t.deepEqual(taskGraph(store, id), {tasks: ['y', 'z'], edges: [['y', 'z']]})
})

test('a store written before (its run-start describes every instance, no deps column) reads the same, and takes new runs', (t) => {
  const store = storeFromFixture(t, 'v1-dynamic-run.sql', 1)
  const cols = (store.db.pragma('table_info(instances)') as {name: string}[]).map((c) => c.name)
  t.true(cols.includes('deps'), 'opening it added the column')
  const id = (store.db.prepare('SELECT id FROM runs').get() as {id: string}).id

  const events = readEvents(store, id)
  t.deepEqual(
    runStartOf(events).instances.map((i) => [i.name, i.deps, i.kind]),
    [
      ['listing', [], 'fn'],
      ['shout', [0], 'fn'],
      ['all', [1], 'cmd'],
    ],
  )
  const trace = buildTrace(events)
  const names = new Set(trace.traceEvents.filter((e) => e.ph === 'X').map((e) => argsOf(e).instance))
  for (const n of ['listing', 'shout[0]', 'shout[1]', 'all']) t.true(names.has(n), n)
  t.true(trace.traceEvents.some((e) => e.ph === 's'), 'dependency arrows')
  t.deepEqual(taskGraph(store, id), {tasks: ['listing', 'shout', 'all'], edges: [['listing', 'shout'], ['shout', 'all']]})

  // a new run in the migrated store is stored the new way and reads back whole
  const instances = pairs(4)
  const run = new SyntheticRun(newRunId(), instances, [])
  recordRun(store, run.events, META)
  run.start()
  run.end()
  t.deepEqual(runStartOf(readEvents(store, run.runId)).instances, instances)
})

test('the roots\' ready events of the run-start\'s turn are written with its rows, in one flush, past the size cap of a flush', (t) => {
  const store = storeIn(t)
  const n = 20_000 // more than a flush's cap (16,000 events)
  const run = new SyntheticRun(newRunId(), instancesOf({w: n}), ['w'])
  const written: number[] = []
  const writer = createRecordWriter(store, META, {onWritten: (events) => written.push(events)})
  run.events.subscribe((event) => writer.push({event, encoded: null, valueError: null, procStart: null}))
  run.start()
  for (let i = 0; i < n; i++) run.emit({type: 'ready', t: nowMicros(), inst: i})
  t.deepEqual(written, [], 'nothing is written within the turn')
  writer.flush()
  t.deepEqual(written, [n + 1])
  syncInstanceRows(store, run.runId)
  t.deepEqual(store.db.prepare('SELECT state, count(*) AS c FROM instances WHERE run_id = ? GROUP BY state').all(run.runId), [{state: 'ready', c: n}])
  // past the run-start's flush the cap holds again
  for (let i = 0; i < n; i++) run.emit({type: 'start', t: nowMicros(), inst: i, attempt: 1, pid: 1})
  t.deepEqual(written, [n + 1, 16_000])
  writer.close()
  syncInstanceRows(store, run.runId)
  t.deepEqual(store.db.prepare('SELECT state, count(*) AS c FROM instances WHERE run_id = ? GROUP BY state').all(run.runId), [{state: 'running', c: n}])
})
