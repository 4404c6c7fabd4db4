// The remote side of bench granularity on the path `rayts run` takes: the run recorded in a
// run store, big results written by the workers to the run's object store, and every array
// read back by this process as it arrives (the lesson's ray.get). At the end the objects
// the store refers to are moved to disk, as after every run; that is timed too, and also
// given apart.
import {compileGraphFile, formatProblem} from '../graph/index.js'
import {loadRefs} from '../objects/read.js'
import {nowMicros} from '../core/clock.js'
import {type CreateRunDeps, createRun} from '../runtime/run.js'
import type {Store} from '../store/db.js'
import {newRunId} from '../store/ids.js'
import {openRunObjects, settleRunObjects} from '../store/kept-objects.js'
import {recordRun} from '../store/record/recorder.js'

export interface StoredRunMeasure {
  readonly compileMs: number
  /** from start() to the run recorded, every value read and the objects settled */
  readonly wallMs: number
  /** of which: moving the kept objects from tmpfs to disk at the end */
  readonly settleMs: number
  readonly parentCpuMicrosPerTask: number
  /** the values, read from the store */
  readonly values: readonly unknown[]
  /** bytes of the results the runner received and recorded, per task (references, for big values) */
  readonly recordedBytesPerTask: number
}

export async function measureThroughStore(file: string, store: Store, numCpus: number, deps: CreateRunDeps): Promise<StoredRunMeasure> {
  const c0 = performance.now()
  const compiled = compileGraphFile(file)
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const compileMs = performance.now() - c0
  const runId = newRunId()
  const objects = openRunObjects(store, runId, undefined, null)
  const handle = createRun(compiled.graph, {runId, numCpus, objects: objects.config}, deps)
  const recorder = recordRun(store, handle.events, {graphFile: file, set: [], numCpus, resources: {}, failFast: false})
  const values: unknown[] = []
  let failed = 0
  handle.events.subscribe((e) => {
    if (e.type === 'succeeded') {
      objects.observe(e.value)
      values.push(loadRefs(e.value, undefined, 'map'))
    } else if (e.type === 'failed') failed++
  })
  const cpu0 = process.cpuUsage()
  const t0 = nowMicros()
  handle.start()
  const summary = await handle.done
  recorder.close()
  const s0 = nowMicros()
  settleRunObjects(store, objects)
  const end = nowMicros()
  const cpu = process.cpuUsage(cpu0)
  if (failed > 0) throw new Error(`bench graph ${file}: ${failed} tasks failed (${summary.firstError?.error.message ?? ''})`)
  const n = compiled.graph.instances.length
  return {
    compileMs,
    wallMs: (end - t0) / 1000,
    settleMs: (end - s0) / 1000,
    parentCpuMicrosPerTask: (cpu.user + cpu.system) / n,
    values,
    recordedBytesPerTask: recordedBytes(store, runId) / n,
  }
}

/** bytes of the values a run recorded (inline in its events rows; a reference is a small inline value) */
export function recordedBytes(store: Store, runId: string): number {
  const r = store.db.prepare('SELECT COALESCE(SUM(length(vals)), 0) AS b FROM events WHERE run_id = ?').get(runId) as {b: number}
  return Number(r.b)
}
