// One graph of `rayts bench dag`, in a process of its own so that its peak RSS is its own:
// `node dag-child.(ts|js) GRAPH.yaml NUM_CPUS` prints one JSON line, a DagChildResult.
import {measureRun} from './measure.js'

export interface DagChildResult {
  readonly instances: number
  readonly compileMs: number
  readonly wallMs: number
  readonly parentCpuMicrosPerTask: number
  readonly peakRssMb: number
  readonly state: string
}

const [file, cpus] = process.argv.slice(2)
if (!file || !cpus) {
  process.stderr.write('usage: dag-child GRAPH.yaml NUM_CPUS\n')
  process.exit(2)
}
const m = await measureRun(file, {numCpus: Number(cpus)})
const result: DagChildResult = {
  instances: m.instances,
  compileMs: m.compileMs,
  wallMs: m.wallMs,
  parentCpuMicrosPerTask: m.parentCpuMicrosPerTask,
  peakRssMb: m.peakRssMb,
  state: m.state,
}
process.stdout.write(`${JSON.stringify(result)}\n`)
