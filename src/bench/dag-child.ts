// One graph of `rayts bench dag`, in a process of its own so that its peak RSS is its own:
// `node dag-child.(ts|js) GRAPH.yaml NUM_CPUS` prints one JSON line, a DagChildResult.
import {measureRun, type RunMeasure} from './measure.js'

export type DagChildResult = Omit<RunMeasure, 'ends'>

const [file, cpus] = process.argv.slice(2)
if (!file || !cpus) {
  process.stderr.write('usage: dag-child GRAPH.yaml NUM_CPUS\n')
  process.exit(2)
}
const m = await measureRun(file, {numCpus: Number(cpus)})
const {ends: _ends, ...rest} = m
const result: DagChildResult = rest
process.stdout.write(`${JSON.stringify(result)}\n`)
