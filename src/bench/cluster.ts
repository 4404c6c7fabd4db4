// `rayts bench overhead --cluster URL`: no-op fn tasks through Redis and the cluster's
// workers, end to end (a run of N tasks minus a run of 1), beside the same graph locally.
import {prepareCluster} from '../cluster/prepare.js'
import {redact} from '../cluster/url.js'
import {nowMicros} from '../core/clock.js'
import {compileGraphFile, formatProblem} from '../graph/index.js'
import {createRun} from '../runtime/run.js'
import {benchDir, wideGraph} from './graphs.js'

export interface ClusterOverheadReport {
  readonly cluster: string
  readonly workers: number
  readonly cpuSlots: number
  readonly tasks: number
  readonly seconds: number
  readonly tasksPerSecond: number
  readonly microsPerTask: number
}

async function timeRun(file: string, url: string): Promise<number> {
  const compiled = compileGraphFile(file)
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const runId = `bench-${Date.now().toString(36)}`
  const prepared = await prepareCluster(url, compiled.graph, runId, {numCpus: undefined, resources: {}})
  const handle = createRun(compiled.graph, {runId, numCpus: prepared.numCpus, resources: prepared.resources}, {makeExecutor: prepared.makeExecutor})
  let failed = 0
  handle.events.subscribe((e) => {
    if (e.type === 'failed') failed++
  })
  const t0 = nowMicros()
  handle.start()
  const summary = await handle.done
  const micros = nowMicros() - t0
  if (failed > 0) throw new Error(`bench: ${failed} tasks failed on the cluster (${summary.firstError?.error.message ?? ''})`)
  return micros
}

export async function benchClusterOverhead(url: string, tasks: number, progress: (line: string) => void = () => {}): Promise<ClusterOverheadReport> {
  const dir = benchDir()
  try {
    const one = dir.write('one.yaml', wideGraph(1))
    const wide = dir.write('wide.yaml', wideGraph(tasks))
    progress(`cluster: ${tasks} no-op fn tasks at once through ${redact(url)}`)
    await timeRun(one, url) // warm the workers' pools and code cache
    const base = await timeRun(one, url)
    const all = await timeRun(wide, url)
    const seconds = Math.max(1e-6, (all - base) / 1e6)
    const compiled = compileGraphFile(one)
    const info = compiled.ok ? await prepareCluster(url, compiled.graph, 'bench-info', {numCpus: undefined, resources: {}}) : undefined
    return {
      cluster: redact(url),
      workers: info?.workers.length ?? 0,
      cpuSlots: info?.workers.reduce((n, w) => n + (w.capacity.cpu ?? 0), 0) ?? 0,
      tasks,
      seconds,
      tasksPerSecond: tasks / seconds,
      microsPerTask: (seconds * 1e6) / tasks,
    }
  } finally {
    dir.remove()
  }
}

export function formatClusterOverhead(r: ClusterOverheadReport): string {
  const n = (x: number, d = 0) => x.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})
  return `cluster ${r.cluster}: ${r.workers} workers, ${n(r.cpuSlots, 2)} CPU slots\nfn tasks, all at once   ${n(r.tasksPerSecond)} tasks/s  (${n(r.tasks)} in ${n(r.seconds, 3)} s; ${n(r.microsPerTask, 1)} µs/task end to end)`
}
