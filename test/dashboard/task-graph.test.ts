// The task graph cache reads on from where it stopped: it must agree with a read from
// scratch (also after an expansion arrives), and two runs must never share a graph.
import test from 'ava'
import type {InstanceInfo} from '../../src/core/events.js'
import {newRunId, openStore, recordRun, type Store} from '../../src/store/index.js'
import {graphSvg} from '../../src/dashboard/graph-svg.js'
import {TaskGraphCache, taskGraph} from '../../src/dashboard/task-graph.js'
import {META, SyntheticRun, tempHome} from '../store/helpers.js'

const inst = (idx: number, task: string, deps: number[], index: number | null = null): InstanceInfo => ({
  idx,
  name: index === null ? task : `${task}[${index}]`,
  task,
  index,
  deps,
})

function started(store: Store, instances: InstanceInfo[]): SyntheticRun {
  const run = new SyntheticRun(newRunId(), instances, [])
  const rec = recordRun(store, run.events, META)
  run.start()
  rec.flush()
  ;(run as SyntheticRun & {rec: typeof rec}).rec = rec
  return run
}

const flush = (run: SyntheticRun): void => (run as SyntheticRun & {rec: {flush(): void}}).rec.flush()

test('two runs never share a graph; the cache agrees with a read from scratch, also after an expansion', (t) => {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  t.teardown(() => {
    store.close()
    cleanup()
  })
  // A: load → split[*] (a dynamic marker) ; B: x, y → z
  const a = started(store, [inst(0, 'load', []), inst(1, 'split', [0])])
  const b = started(store, [inst(0, 'x', []), inst(1, 'y', []), inst(2, 'z', [0, 1])])
  const cache = new TaskGraphCache()
  const ga = cache.get(store, a.runId)
  const gb = cache.get(store, b.runId)
  t.deepEqual(ga, {tasks: ['load', 'split'], edges: [['load', 'split']]})
  t.deepEqual(gb, {tasks: ['x', 'y', 'z'], edges: [['x', 'z'], ['y', 'z']]})
  t.deepEqual(cache.get(store, a.runId), taskGraph(store, a.runId))
  t.deepEqual(cache.get(store, b.runId), taskGraph(store, b.runId))

  // A expands at run time: split's instances, then a task over them
  a.emit({type: 'expanded', t: 5, task: 'split', marker: 1, instances: [inst(2, 'split', [0], 0), inst(3, 'split', [0], 1), inst(4, 'merge', [2, 3])]})
  for (let i = 0; i < 3; i++) a.succeed('load', 1)
  flush(a)
  const fresh = taskGraph(store, a.runId)
  t.deepEqual(fresh, {tasks: ['load', 'split', 'merge'], edges: [['load', 'split'], ['split', 'merge']]})
  t.deepEqual(cache.get(store, a.runId), fresh, 'the cache read the new rows')
  t.deepEqual(cache.get(store, b.runId), taskGraph(store, b.runId), 'B is untouched by A')
})

test('a cache of one run at a time still answers each run with its own graph', (t) => {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  t.teardown(() => {
    store.close()
    cleanup()
  })
  const runs = [started(store, [inst(0, 'p', []), inst(1, 'q', [0])]), started(store, [inst(0, 'r', []), inst(1, 's', [0]), inst(2, 't', [1])])]
  const cache = new TaskGraphCache(1)
  for (let i = 0; i < 4; i++) for (const r of runs) t.deepEqual(cache.get(store, r.runId), taskGraph(store, r.runId))
  t.deepEqual(cache.get(store, 'nosuchrun0000'), {tasks: [], edges: []})
})

test('the graph picture escapes task names and draws a node per task', (t) => {
  const svg = graphSvg({tasks: ['a<script>', 'b&c'], edges: [['a<script>', 'b&c']]}, new Map([['a<script>', {succeeded: 2, failed: 1}]]))
  t.notRegex(svg, /<script>/)
  t.regex(svg, /a&lt;script&gt;/)
  t.regex(svg, /b&amp;c/)
  t.is([...svg.matchAll(/<g>/g)].length, 2)
  t.regex(svg, /2\/3 done, 1 failed/)
})
