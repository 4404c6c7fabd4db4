// What a cluster run packs for its workers: the fn modules and what they import (followed
// with esbuild), the graph's `include` globs, less .gitignore'd files; never the rest of the
// graph's folder (logs, pid files, scripts nobody asked for).
import test from 'ava'
import {mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {compileGraphFile} from '../../src/graph/index.js'
import {selectCode} from '../../src/cluster/code-files.js'
import {cli, HAVE_REDIS, NO_REDIS, resultsOf, startRedis, startWorker, tempDir} from './helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

/** a graph folder: modules that import each other, a script and data it includes, and junk */
function project(t: import('ava').ExecutionContext, include: string[] | null): string {
  const dir = tempDir(t, 'rayts-code-')
  const put = (path: string, text: string): void => {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  put('graph.yaml', [
    'version: 1',
    'module: ./main.mjs',
    ...(include ? [`include: ${JSON.stringify(include)}`] : []),
    'tasks:',
    '  sum: {fn: sum, args: [[1, 2, 3]]}',
    '  later: {fn: later, args: [5]}',
    '  hello: {cmd: [sh, scripts/hello.sh], output: text}',
    '  listed: {cmd: [ls, -a], cwd: work, output: lines}',
    'outputs: [sum, later, hello, listed]',
    '',
  ].join('\n'))
  put('main.mjs', [
    "import {total} from './lib/helper.js'", // helper.ts: found as tsx finds it
    "import {readFileSync} from 'node:fs'",
    'export const sum = (xs) => total(xs)',
    "export const later = async (x) => (await import('./lib/lazy.mjs')).twice(x)",
    "export const maybe = () => import('./lib/gone.mjs')", // names no file: reported, not packed
    '',
  ].join('\n'))
  put('lib/helper.ts', "import {WEIGHT} from './weights.cjs'\nexport const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) * WEIGHT\n")
  put('lib/weights.cjs', 'exports.WEIGHT = 1\n') // a named export Node's CommonJS lexer sees, for ESM and tsx alike
  put('lib/lazy.mjs', 'export const twice = (x) => 2 * x\n')
  put('lib/unused.mjs', 'export const nobody = 1\n')
  put('scripts/hello.sh', 'echo hello from the pack\n')
  put('scripts/deploy.sh', 'echo never packed\n')
  put('data/table.csv', 'a,b\n')
  put('data/cache/blob.bin', 'x'.repeat(1000))
  put('run.log', 'old log\n')
  put('worker.pid', '12345\n')
  put('.gitignore', '*.log\ncache/\n')
  mkdirSync(join(dir, 'work'))
  return dir
}

async function selection(dir: string) {
  const compiled = compileGraphFile(join(dir, 'graph.yaml'))
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
  return selectCode(compiled.graph)
}

test('by default: the fn modules and the files they import, nothing else', async (t) => {
  const dir = project(t, null)
  const s = await selection(dir)
  t.is(s.root, dir)
  t.deepEqual(s.files, ['lib/helper.ts', 'lib/lazy.mjs', 'lib/weights.cjs', 'main.mjs'])
  t.deepEqual(s.dirs, ['work']) // a task's cwd: made on the worker
  t.deepEqual(s.missing.map((m) => [m.specifier, relative(dir, m.importer)]), [['./lib/gone.mjs', 'main.mjs']])
})

test('include globs add files from the graph folder, less what .gitignore ignores', async (t) => {
  const dir = project(t, ['scripts/hello.sh', 'data/', '*.log', 'nothing/*.txt'])
  const s = await selection(dir)
  t.deepEqual(s.files, ['data/table.csv', 'lib/helper.ts', 'lib/lazy.mjs', 'lib/weights.cjs', 'main.mjs', 'scripts/hello.sh'])
  t.deepEqual(s.unmatched, ['*.log', 'nothing/*.txt']) // run.log is .gitignore'd
})

test('an include glob that leaves the graph folder is refused', async (t) => {
  const dir = project(t, ['../*.sh'])
  const error = await t.throwsAsync(selection(dir))
  t.regex(error!.message, /include: "\.\.\/\*\.sh" leaves the graph's folder/)
})

serial('a cluster run packs only that, says what it packed, and runs from it', async (t) => {
  t.timeout(300_000)
  const redis = await startRedis(t)
  const home = tempDir(t, 'rayts-home-')
  await startWorker(t, redis.url, home, 'w', 2)
  const dir = project(t, ['scripts/hello.sh'])
  const run = await cli(home, ['run', join(dir, 'graph.yaml'), '--json', '--cluster', redis.url])
  t.is(run.exitCode, 0, String(run.stderr))
  const results = resultsOf(String(run.stdout))
  t.is(results.sum, 6)
  t.is(results.later, 10)
  t.is(results.hello, 'hello from the pack')
  t.deepEqual(results.listed, ['.', '..'])
  const stderr = String(run.stderr)
  t.regex(stderr, new RegExp(`code for the workers: 5 files, \\d+ B \\(\\d+(\\.\\d)? (B|KiB) gzipped\\) from ${dir}: lib/helper\\.ts, lib/lazy\\.mjs, lib/weights\\.cjs, main\\.mjs, scripts/hello\\.sh\\n`))
  t.regex(stderr, /not packed: \.\/lib\/gone\.mjs, imported by .*main\.mjs, names no file/)
  // the worker's unpacked copy holds exactly that
  const cache = join(home, 'cluster-cache')
  const [sha] = readdirSync(cache).filter((d) => !d.includes('.tmp'))
  const unpacked: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) {
        unpacked.push(`${relative(join(cache, sha!), p)}/`)
        walk(p)
      } else unpacked.push(relative(join(cache, sha!), p))
    }
  }
  walk(join(cache, sha!))
  t.deepEqual(unpacked.sort(), ['.rayts-complete', 'lib/', 'lib/helper.ts', 'lib/lazy.mjs', 'lib/weights.cjs', 'main.mjs', 'scripts/', 'scripts/hello.sh', 'work/'])
})
