// Jobs of one function batch together even when each comes from a task of its own (a library
// session, where every `.remote()` call makes its own task and fn object): the batch is cut where the function changes, not where the task object does.
import test from 'ava'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EventStream} from '../../src/core/events.js'
import type {Executor, Job} from '../../src/executor/types.js'
import {compileGraphFile} from '../../src/graph/index.js'
import {BatchSizer} from '../../src/scheduler/batch-size.js'
import {fnKey} from '../../src/scheduler/jobs.js'
import {NO_OBJECTS} from '../../src/scheduler/object-reads.js'
import {Scheduler} from '../../src/scheduler/scheduler.js'

test('20 tasks of one short function go out in batches, not one message each; another function starts a batch of its own', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-batch-fn-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'm.mjs'), 'export function f(x) { return x }\nexport function g(x) { return x }\n')
  const tasks = Array.from({length: 20}, (_, i) => `  t${i}: {fn: f, args: [${i}]}`)
  const file = join(dir, 'g.yaml')
  writeFileSync(file, ['version: 1', 'module: ./m.mjs', 'tasks:', ...tasks, '  last: {fn: g, args: [0]}', ''].join('\n'))
  const r = compileGraphFile(file)
  if (!r.ok) return t.fail(JSON.stringify(r.problems))
  // as a library session makes them: each call's task with a fn object of its own
  const own = new Map(r.graph.tasks.map((task) => [task, {...task, fn: {...task.fn!}}]))
  const graph = {...r.graph, tasks: [...own.values()], taskById: new Map([...own.values()].map((x) => [x.id, x])), instances: r.graph.instances.map((i) => ({...i, task: own.get(i.task)!}))}
  t.not(graph.tasks[0]!.fn, graph.tasks[1]!.fn)
  // measured short, as a warm pool knows it: a batch per message
  for (const name of ['f', 'g']) new BatchSizer().observe(fnKey(graph.tasks.find((x) => x.fn?.export === name)!), 10)
  const batches: Job[][] = []
  const capture: Executor = {submit: (jobs) => void batches.push([...jobs]), cancel() {}, close: async () => {}}
  const scheduler = new Scheduler(graph, new EventStream(), () => capture, {runId: 'batch', capacity: {cpu: 1}, failFast: false, reuse: undefined, chains: true, objects: NO_OBJECTS})
  scheduler.start()
  t.is(batches.length, 1, 'one lane, one batch')
  t.is(batches[0]!.length, 20, 'all twenty calls of f in it')
  t.true(batches[0]!.every((j) => j.kind === 'fn' && j.export === 'f'))
})
