// Not a test: bytes per instance of the scheduler's state for a wide graph (one foreach of
// N, 1M by default), beside the compiled graph's: the heap and array buffers with each
// held, less those before, after full GCs. Nothing runs: the scheduler is made, not started.
// Run: node --expose-gc --import tsx benchmark/scheduler-state.ts [N]
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Executor} from '../src/executor/types.js'
import {compileGraphFile} from '../src/graph/index.js'
import {EventStream} from '../src/core/events.js'
import {NO_OBJECTS} from '../src/scheduler/object-reads.js'
import {Scheduler} from '../src/scheduler/scheduler.js'
import {generate, NOOP_MODULE, write} from '../test/graph/generated-graphs.js'

const gc = (globalThis as {gc?: () => void}).gc
if (!gc) throw new Error('run with node --expose-gc')
const n = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'rayts-measure-'))
const idle: Executor = {submit() {}, cancel() {}, close: async () => {}}
const heap = (): number => {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers // typed arrays' contents are outside the heap
}
try {
  writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)
  const file = join(dir, 'wide.yaml')
  writeFileSync(file, write(generate('wide', n), 'flow'))
  const before = heap()
  const r = compileGraphFile(file)
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  const compiled = heap() - before
  const scheduler = new Scheduler(r.graph, new EventStream(), () => idle, {runId: 'measure', capacity: {cpu: 2}, failFast: false, reuse: undefined, chains: true, objects: NO_OBJECTS})
  const state = heap() - before - compiled
  const per = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB, ${(bytes / n).toFixed(0)} bytes per instance`
  console.log(`${n} instances: compiled graph ${per(compiled)}; scheduler state ${per(state)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
  if (scheduler.counts().pending !== n) throw new Error('wrong count')
} finally {
  rmSync(dir, {recursive: true, force: true})
}
