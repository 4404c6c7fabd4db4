// Not a test: compiles one graph file once and prints {ms, cpuMs, rssMb, instances} (see graph-scale.ts).
import {compileGraphFile, formatProblem} from '../src/graph/index.js'

const file = process.argv[2]!
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const r = compileGraphFile(file)
const ms = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
if (!r.ok) {
  process.stderr.write(r.problems.slice(0, 5).map(formatProblem).join('\n') + '\n')
  process.exit(1)
}
process.stdout.write(`${JSON.stringify({ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024, instances: r.graph.instances.length})}\n`)
