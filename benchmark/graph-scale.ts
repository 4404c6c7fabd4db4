// Not a test: compile time, CPU time and peak RSS of generated graph files, each compiled once
// in a fresh process (cold, as `rayts validate` does), from plain JS as dist runs it (the child
// bundled by esbuild, packages left outside, with dist's generated validator when built).
// Spellings: flow (one line per task), block, json.
// Run: npx tsx benchmark/graph-scale.ts [SHAPE:N[:SPELLING]...] [--repeat K] [--prof DIR]
//   e.g. npx tsx benchmark/graph-scale.ts deep:100000 fan-in:100000:json --repeat 3
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildSync} from 'esbuild'
import {GENERATED_VALIDATOR_FILE} from '../src/graph/validate/standalone-validator.js'
import {generate, NOOP_MODULE, write, type Shape, type Spelling} from '../test/graph/generated-graphs.js'

const CHILD_SOURCE = fileURLToPath(new URL('./graph-scale-child.ts', import.meta.url))
const args = process.argv.slice(2)
const repeatAt = args.indexOf('--repeat')
const repeat = repeatAt >= 0 ? Number(args.splice(repeatAt, 2)[1]) : 1
const profAt = args.indexOf('--prof')
const profDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined
const cases = args.length > 0 ? args : ['wide:100000', 'deep:100000', 'fan-in:100000']

const dir = mkdtempSync(join(tmpdir(), 'rayts-measure-'))
try {
  // laid out like the source tree: schema.ts finds ../../schema, imports find node_modules
  const child = join(dir, 'src', 'graph', 'child.mjs')
  for (const sub of ['node_modules', 'schema']) symlinkSync(join(process.cwd(), sub), join(dir, sub))
  buildSync({entryPoints: [CHILD_SOURCE], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: child, sourcemap: 'inline', logLevel: 'error'})
  // the validator `npm run build` generates, as dist uses it (schema.ts ignores it if stale);
  // without it each compile would first compile the schema with ajv
  const validator = join(process.cwd(), 'dist', 'src', 'graph', GENERATED_VALIDATOR_FILE)
  if (existsSync(validator)) copyFileSync(validator, join(dirname(child), GENERATED_VALIDATOR_FILE))
  writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)
  for (const c of cases) {
    const [shape, n, only] = c.split(':') as [Shape, string, Spelling | undefined]
    const data = generate(shape, Number(n))
    for (const spelling of only ? [only] : (['flow', 'block', 'json'] as const)) {
      const file = join(dir, `${shape}-${n}-${spelling}.${spelling === 'json' ? 'json' : 'yaml'}`)
      writeFileSync(file, write(data, spelling))
      const runs: {ms: number; cpuMs: number; rssMb: number; instances: number}[] = []
      for (let i = 0; i < repeat; i++) {
        const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
        const r = spawnSync(process.execPath, ['--enable-source-maps', ...prof, child, file], {encoding: 'utf8', maxBuffer: 1 << 26, cwd: process.cwd()})
        const line = r.stdout.trim().split('\n').pop() ?? ''
        if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${file}: ${r.stderr || r.stdout}`.slice(0, 2000))
        runs.push(JSON.parse(line) as (typeof runs)[number])
      }
      const range = (xs: number[]) => (xs.length === 1 ? xs[0]!.toFixed(0) : `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`)
      const mb = (statSync(file).size / 1e6).toFixed(1)
      console.log(`${shape} ${n} ${spelling} (${mb} MB, ${runs[0]!.instances} instances): compile ${range(runs.map((r) => r.ms))} ms (CPU ${range(runs.map((r) => r.cpuMs))} ms), peak RSS ${range(runs.map((r) => r.rssMb))} MB`)
    }
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
