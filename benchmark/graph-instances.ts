// Not a test: bytes per instance of the compiled graph of a wide graph (one foreach of N, 1M
// by default): the heap with the graph held, less the heap before, after full GCs.
// Run: node --expose-gc --import tsx benchmark/graph-instances.ts [N]
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compileGraphFile} from '../src/graph/index.js'
import {generate, NOOP_MODULE, write} from '../test/graph/generated-graphs.js'

const gc = (globalThis as {gc?: () => void}).gc
if (!gc) throw new Error('run with node --expose-gc')
const n = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'rayts-measure-'))
try {
  writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)
  const small = join(dir, 'small.yaml')
  writeFileSync(small, write(generate('wide', 1), 'flow'))
  compileGraphFile(small) // ajv, the module parser: loaded before the baseline
  const file = join(dir, 'wide.yaml')
  writeFileSync(file, write(generate('wide', n), 'flow'))
  const heap = () => {
    gc()
    gc()
    return process.memoryUsage().heapUsed
  }
  const before = heap()
  const t0 = performance.now()
  const r = compileGraphFile(file)
  const ms = performance.now() - t0
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  const held = heap() - before
  console.log(`${n} instances: compile ${ms.toFixed(0)} ms; compiled graph ${(held / 1e6).toFixed(1)} MB held, ${(held / n).toFixed(0)} bytes per instance; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
  if (r.graph.instances.length !== n) throw new Error('wrong count')
} finally {
  rmSync(dir, {recursive: true, force: true})
}
