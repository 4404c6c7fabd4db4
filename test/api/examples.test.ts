// The package as users get it: `npm pack`'s contents, and the examples/ project (the lesson in
// TypeScript) type-checked and run against the packed tarball, not the source tree.
// The project's node_modules holds the unpacked tarball as `rayts` and links to the
// repository's installed production dependencies (what `npm install` of the tarball would
// hoist there), so no test downloads or compiles anything.
import test from 'ava'
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {getRun, listInstances, openStore} from '../../src/store/index.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const examples = join(root, 'examples')
const work = mkdtempSync(join(tmpdir(), 'pack-'))
let packed: {files: string[]; tarball: string} | undefined
test.after.always(() => rmSync(work, {recursive: true, force: true}))

function pack(): {files: string[]; tarball: string} {
  if (packed) return packed
  if (!existsSync(join(root, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests')
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  const info = (JSON.parse(out) as {filename: string; files: {path: string}[]}[])[0]!
  packed = {files: info.files.map((f) => f.path), tarball: join(work, info.filename)}
  return packed
}

/** a project folder with the packed rayts and the production dependencies it needs */
function project(): string {
  const dir = join(work, 'project')
  if (existsSync(dir)) return dir
  const {tarball} = pack()
  const modules = join(dir, 'node_modules')
  mkdirSync(modules, {recursive: true})
  execFileSync('tar', ['xzf', tarball, '-C', work])
  renameSync(join(work, 'package'), join(modules, 'rayts'))
  const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
  const top = new Set<string>(['typescript', '@types/node']) // the examples' own dev dependencies
  for (const line of prod.split('\n')) {
    const rel = relative(join(root, 'node_modules'), line.trim())
    if (rel === '' || rel.startsWith('..')) continue
    const parts = rel.split(sep)
    const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
    if (!name.includes('node_modules')) top.add(name)
  }
  for (const name of top) {
    mkdirSync(dirname(join(modules, name)), {recursive: true})
    symlinkSync(join(root, 'node_modules', name), join(modules, name))
  }
  for (const f of readdirSync(examples)) copyFileSync(join(examples, f), join(dir, f))
  return dir
}

test('npm pack ships the library, its types, the CLI and the worker, and nothing of the sources or tests', (t) => {
  const {files} = pack()
  for (const f of [
    'package.json',
    'README.md',
    'bin/run.js',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/src/api/index.js',
    'dist/src/api/index.d.ts',
    'dist/src/executor/worker/main.js',
    'dist/commands/run.js',
    'oclif.manifest.json',
    'schema/graph.schema.json',
  ]) {
    t.true(files.includes(f), `${f} is in the package`)
  }
  const stray = files.filter((f) => /^(test|examples|graphs|scripts|\.ci)\//.test(f) || f === 'bin/dev.js' || (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')))
  t.deepEqual(stray, [])
})

test.serial('the examples type-check against the packed types', (t) => {
  const dir = project()
  const tsc = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], {cwd: dir, encoding: 'utf8'})
  t.is(tsc.status, 0, tsc.stdout + tsc.stderr)
})

test.serial("a strict user's tsc (skipLibCheck off) passes on the packed types: they reach no package the user's project need not have", (t) => {
  // TypeScript's default checks every .d.ts the program reaches. The project has rayts and its
  // own dev dependencies only: a public type that led to the store's or the cluster's types
  // would need better-sqlite3's types (a devDependency of rayts) or ioredis.
  const dir = join(work, 'strict')
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, '@types'), {recursive: true})
  execFileSync('tar', ['xzf', pack().tarball, '-C', dir])
  renameSync(join(dir, 'package'), join(modules, 'rayts'))
  for (const name of ['typescript', '@types/node']) symlinkSync(join(root, 'node_modules', name), join(modules, name))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'strict-user', private: true, type: 'module'}))
  const compilerOptions = {strict: true, skipLibCheck: false, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'], noEmit: true}
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({compilerOptions, files: ['main.ts']}))
  writeFileSync(
    join(dir, 'main.ts'),
    [
      "import * as ray from 'rayts'",
      'await ray.init({numCpus: 1})',
      'const ref: ray.ObjectRef<number> = ray.put(1)',
      'const n: number = await ray.get(ref)',
      "const f: ray.RemoteFunction<(x: number) => string> = ray.remote(new URL('./m.js', import.meta.url), 'f')",
      "const out: ray.ObjectRef<string> = ray.command(['echo', f.remote(n)])",
      'console.log(out)',
      '',
    ].join('\n'),
  )
  const tsc = spawnSync(process.execPath, [join(modules, 'typescript/bin/tsc'), '-p', dir], {cwd: dir, encoding: 'utf8'})
  t.is(tsc.status, 0, tsc.stdout + tsc.stderr)
})

function runExample(t: {log: (...a: unknown[]) => void}, file: string, home: string): string {
  const dir = project()
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: dir,
    encoding: 'utf8',
    env: {...process.env, RAYTS_HOME: home},
    timeout: 120_000,
  })
  t.log(r.stdout, r.stderr)
  if (r.status !== 0) throw new Error(`${file} exited ${r.status} (${r.signal}): ${r.stderr}`)
  return r.stdout
}

function spanSeconds(home: string, runId: string): number {
  const store = openStore(home)
  try {
    const spans = listInstances(store, runId)
    const first = Math.min(...spans.map((i) => i.startedT!)) // bounded: a few instances
    const last = Math.max(...spans.map((i) => i.endedT!)) // bounded: a few instances
    return (last - first) / 1e6
  } finally {
    store.close()
  }
}

test.serial("arrays.ts: the lesson's first example, about 4 s of tasks rather than 6", (t) => {
  const home = join(work, 'home-arrays')
  const out = runExample(t, 'arrays.ts', home)
  t.regex(out, /^id3 = Float64Array\(20\) \[/m)
  const runId = /rayts status (\w+)/.exec(out)![1]!
  const store = openStore(home)
  try {
    t.is(getRun(store, runId)!.state, 'succeeded')
  } finally {
    store.close()
  }
  const seconds = spanSeconds(home, runId)
  t.true(seconds < 5.5, `the tasks took ${seconds} s from the first start to the last end`)
})

test.serial('wait-loop.ts: results come two at a time, smallest arrays first', (t) => {
  const out = runExample(t, 'wait-loop.ts', join(work, 'home-wait'))
  const names = [...out.matchAll(/^ {2}(\w+) = (\d+) values$/gm)].map((m) => Number(m[2]))
  t.deepEqual(names, [0, 10, 20, 30, 40])
  t.regex(out, /^Returned 2 completed tasks \(elapsed [\d.]+ s\)$/m)
})

test.serial('options.ts: retries, TaskError, numReturns, a timeout and a command', (t) => {
  const out = runExample(t, 'options.ts', join(work, 'home-options'))
  t.regex(out, /^flaky succeeded in worker \d+$/m)
  t.regex(out, /^caught ValueError: -1 is negative$/m)
  t.regex(out, /^length 10, sum -?\d+\.\d{3}$/m)
  t.regex(out, /^makeArray\(20\) timed out after 0\.5 s$/m)
  t.regex(out, /^command said \{"n":20\}$/m)
})
