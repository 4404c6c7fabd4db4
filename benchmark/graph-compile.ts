// Not a test: measures compiling a 200,000-instance graph (a range of 100,000 and a zip over it).
// Run: npx tsx benchmark/graph-compile.ts
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compileGraphFile} from '../src/graph/index.js'

const dir = mkdtempSync(join(tmpdir(), 'rayts-measure-'))
try {
  writeFileSync(join(dir, 'm.mjs'), 'export const f = (x) => x\n')
  const file = join(dir, 'big.yaml')
  writeFileSync(
    file,
    'version: 1\nmodule: ./m.mjs\ntasks:\n  a: { fn: f, foreach: {range: 100000}, args: [!item] }\n  b: { fn: f, foreach: !ref a, args: [!item] }\n  c: { fn: f, args: [!ref b] }\n',
  )
  let t0 = process.hrtime.bigint()
  compileGraphFile(file) // the first call also compiles the JSON Schema (ajv)
  console.log(`first compile (cold): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`)
  t0 = process.hrtime.bigint()
  const r = compileGraphFile(file)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  const mem = process.memoryUsage()
  console.log(`instances: ${r.graph.instances.length}`)
  console.log(`second compile (warm): ${ms.toFixed(0)} ms`)
  console.log(`heap used: ${(mem.heapUsed / 1e6).toFixed(0)} MB; rss: ${(mem.rss / 1e6).toFixed(0)} MB (peak: see /usr/bin/time -v)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
