// The result cache's benchmark (a benchmark, not a test; figures for a quiet machine):
//   npm run build && node --import tsx benchmark/result-cache.ts [tasks] [noop] [mb]
// - `tasks` fn tasks of 20 ms each (default 2,000), cache: true: the first run, then the
//   second (every task a hit), as `rayts run` processes; the second should take at most a
//   fifth of the first.
// - `noop` no-op fn tasks (default 100,000): with cache: true, a first run fills the cache;
//   then runs without the cache and fully cached runs alternate, three of each (medians).
// - hashing an argument of `mb` MB (default 200) by value, against the same argument as a
//   ref to an instance whose key is known (chained keys: the value is not read).
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {hashValue} from '../src/cache/value-hash.js'
import {hashTemplate} from '../src/cache/key.js'
import {RefExpr} from '../src/graph/model.js'
import {NO_OBJECTS} from '../src/scheduler/object-reads.js'
import {median} from '../src/bench/stats.js'

const [tasks = 2000, noop = 100_000, mb = 200] = process.argv.slice(2).map(Number)
const CLI = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'rayts-bench-cache-'))
const env = {...process.env, RAYTS_HOME: join(dir, 'home'), RAYTS_HOME_BUDGET: 'off', NO_COLOR: '1'}

const ROUNDS = 3

function timed(graph: string, extra: string[] = []): number {
  const t0 = process.hrtime.bigint()
  execFileSync(process.execPath, [CLI, 'run', graph, '--json', ...extra], {env, stdio: ['ignore', 'ignore', 'ignore']})
  return Number(process.hrtime.bigint() - t0) / 1e9
}

try {
  writeFileSync(join(dir, 'm.mjs'), 'export async function work(i) { await new Promise((r) => setTimeout(r, 20)); return i }\nexport function noop(i) { return i }\n')
  const graph = (name: string, fn: string, n: number, cache: boolean): string => {
    const file = join(dir, `${name}.yaml`)
    writeFileSync(file, `version: 1\nmodule: ./m.mjs\ndefaults: {cache: ${cache}, max_retries: 0}\ntasks:\n  t: {fn: ${fn}, foreach: {range: ${n}}, args: [!item]}\n  end: {fn: noop, args: [0], after: [t]}\noutputs: [end]\n`)
    return file
  }
  const work = graph('work', 'work', tasks, true)
  const first = timed(work)
  const second = timed(work)
  console.log(`${tasks} tasks of 20 ms: first run ${first.toFixed(2)} s, second (all cached) ${second.toFixed(2)} s, ratio ${(second / first).toFixed(3)} (goal ≤ 0.2)`)

  // uncached and fully cached runs alternate, so that a change of load shows in both
  const plainGraph = graph('plain', 'noop', noop, false)
  const cached = graph('cached', 'noop', noop, true)
  const fill = timed(cached)
  const plains: number[] = []
  const hits: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    plains.push(timed(plainGraph))
    hits.push(timed(cached))
  }
  const [plain, hit] = [median(plains), median(hits)]
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join('/')
  console.log(`${noop} no-op tasks: with cache: true, the first run ${fill.toFixed(2)} s; then alternated, without the cache ${list(plains)} s, fully cached ${list(hits)} s; medians ${plain.toFixed(2)} vs ${hit.toFixed(2)} s, ratio ${(hit / plain).toFixed(3)} (goal ≤ 1)`)

  const big = new Float64Array((mb * 1024 * 1024) / 8).fill(1.25)
  let t0 = process.hrtime.bigint()
  hashValue(big)
  const byValue = Number(process.hrtime.bigint() - t0) / 1e6
  const key = 'a'.repeat(64)
  t0 = process.hrtime.bigint()
  hashTemplate(new RefExpr('src', null, []), {
    ctx: {item: undefined, index: null, refValue: () => big, objects: NO_OBJECTS},
    refKeys: () => [key],
    refDigest: () => '',
  })
  const byKey = Number(process.hrtime.bigint() - t0) / 1e6
  console.log(`a ${mb} MB argument: hashed by value ${byValue.toFixed(1)} ms; as a ref to a keyed instance ${byKey.toFixed(3)} ms (its key stands in, the value is not read)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
