// A worker's .ts/.mts task modules: esbuild's output, cached by content under
// $RAYTS_HOME/cache/ts (src/executor/worker/ts-hooks.ts). Each case loads modules in a
// fresh process, as a fresh worker does.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import test from 'ava'
import {execa} from 'execa'
import {cacheKey} from '../../src/executor/worker/ts-hooks.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-tsload-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

const loadModule = pathToFileURL(fileURLToPath(new URL('../../src/executor/worker/load-module.ts', import.meta.url))).href
const tsx = import.meta.resolve('tsx')

/** Load `name` from each file in a new process (a fresh worker); call it with `arg`. */
async function load(home: string, calls: [file: string, name: string, arg: unknown][]): Promise<unknown[]> {
  const script = `
    const {loadFunction} = await import(${JSON.stringify(loadModule)})
    const out = []
    for (const [file, name, arg] of ${JSON.stringify(calls)}) {
      try { out.push(await (await loadFunction(file + '#' + name, file, name))(arg)) }
      catch (e) { out.push('threw: ' + e.stack) }
    }
    console.log(JSON.stringify(out))`
  const r = await execa(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {env: {RAYTS_HOME: home}, reject: false, timeout: 60_000})
  if (r.exitCode !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as unknown[]
}

const entries = (home: string) => {
  try {
    return readdirSync(join(home, 'cache', 'ts')).sort()
  } catch {
    return []
  }
}

test('the cache key is the content (and the transform): two sources never share one', (t) => {
  t.is(cacheKey('export const a = 1', '0.28.2'), cacheKey(Buffer.from('export const a = 1'), '0.28.2'))
  t.not(cacheKey('export const a = 1', '0.28.2'), cacheKey('export const a = 2', '0.28.2'))
  t.not(cacheKey('export const a = 1', '0.28.2'), cacheKey('export const a = 1', '0.28.3'))
})

test.serial('a .ts module is transformed once, then read from the cache, with the same result', async (t) => {
  const home = join(tmp, 'home1')
  const dir = join(tmp, 'm1')
  mkdirSync(dir)
  const file = join(dir, 'm.ts')
  writeFileSync(file, 'export function twice(n: number): number { return 2 * n }\n')
  const uncached = await load(home, [[file, 'twice', 21]])
  t.deepEqual(uncached, [42])
  const first = entries(home)
  t.is(first.length, 1)
  t.true(first[0]!.endsWith('.mjs'))
  // the entry is what a fresh transform gives, and a fresh worker reuses it
  const cachedText = readFileSync(join(home, 'cache', 'ts', first[0]!), 'utf8')
  t.regex(cachedText, /return 2 \* n/)
  t.notRegex(cachedText, /: number/)
  t.deepEqual(await load(home, [[file, 'twice', 21]]), uncached)
  t.deepEqual(entries(home), first)
})

test.serial('an edited file is transformed again; two different files keep two entries', async (t) => {
  const home = join(tmp, 'home2')
  const dir = join(tmp, 'm2')
  mkdirSync(dir)
  const a = join(dir, 'a.ts')
  const b = join(dir, 'b.mts')
  writeFileSync(a, 'export const f = (x: string): string => `a:${x}`\n')
  writeFileSync(b, 'export const f = (x: string): string => `b:${x}`\n')
  t.deepEqual(await load(home, [[a, 'f', 1], [b, 'f', 1]]), ['a:1', 'b:1'])
  t.is(entries(home).length, 2)
  writeFileSync(a, 'export const f = (x: string): string => `edited:${x}`\n')
  t.deepEqual(await load(home, [[a, 'f', 2], [b, 'f', 2]]), ['edited:2', 'b:2'])
  t.is(entries(home).length, 3)
  // same content at another path: one entry serves both
  const c = join(dir, 'c.ts')
  writeFileSync(c, readFileSync(b))
  t.deepEqual(await load(home, [[c, 'f', 3]]), ['b:3'])
  t.is(entries(home).length, 3)
})

test.serial('relative imports as TypeScript writes them, import.meta.url, and stacks on the .ts lines', async (t) => {
  const home = join(tmp, 'home3')
  const dir = join(tmp, 'm3')
  mkdirSync(join(dir, 'lib'), {recursive: true})
  writeFileSync(join(dir, 'lib', 'util.ts'), 'export const inc = (n: number): number => n + 1\n')
  writeFileSync(join(dir, 'lib', 'plain.mjs'), 'export const dec = (n) => n - 1\n')
  writeFileSync(join(dir, 'helper.ts'), 'export type T = number\nexport const three: T = 3\n')
  const file = join(dir, 'm.ts')
  writeFileSync(
    file,
    [
      "import {inc} from './lib/util.js'",
      "import {dec} from './lib/plain.mjs'",
      "import {three} from './helper'",
      'interface Shape {',
      '  side: number',
      '}',
      'export function calc(n: number): number { return dec(inc(n)) + three }',
      'export function where(): string { return import.meta.url }',
      'export function fail(s: Shape): never {',
      '  throw new Error(`side ${s.side}`)',
      '}',
    ].join('\n') + '\n',
  )
  const [calc, where, fail] = await load(home, [[file, 'calc', 1], [file, 'where', null], [file, 'fail', {side: 2}]])
  t.is(calc, 4)
  t.is(where, pathToFileURL(file).href)
  // the source map names the file by its path
  t.true(String(fail).includes(`at fail (${file}:10:9)`), String(fail))
})

test.serial('as installed (no tsx in the worker): .ts modules load, TypeScript-style imports resolve', async (t) => {
  // build load-module and its hooks to JavaScript, as `npm run build` does, beside a node_modules link
  const {createRequire} = await import('node:module')
  const {symlinkSync} = await import('node:fs')
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))
  const esbuild = fromTsx('esbuild') as typeof import('esbuild')
  const out = join(tmp, 'installed')
  const worker = fileURLToPath(new URL('../../src/executor/worker/', import.meta.url))
  await esbuild.build({entryPoints: [join(worker, 'load-module.ts'), join(worker, 'ts-hooks.ts')], bundle: true, packages: 'external', platform: 'node', format: 'esm', outdir: join(out, 'worker'), logLevel: 'silent'})
  symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(out, 'node_modules'))
  const dir = join(tmp, 'm4')
  mkdirSync(join(dir, 'lib'), {recursive: true})
  writeFileSync(join(dir, 'lib', 'util.ts'), 'export const inc = (n: number): number => n + 1\n')
  writeFileSync(join(dir, 'helper.mts'), 'export const three: number = 3\n')
  const file = join(dir, 'm.ts')
  writeFileSync(file, "import {inc} from './lib/util.js'\nimport {three} from './helper.mjs'\nexport const calc = (n: number): number => inc(n) + three\n")
  const script = `const {loadFunction} = await import(${JSON.stringify(pathToFileURL(join(out, 'worker', 'load-module.js')).href)})
    console.log((await loadFunction('k', ${JSON.stringify(file)}, 'calc'))(1))`
  const home = join(tmp, 'home4')
  const r = await execa(process.execPath, ['--input-type=module', '-e', script], {env: {RAYTS_HOME: home}, reject: false, timeout: 60_000})
  t.is(r.stderr, '')
  t.is(r.stdout, '5')
  t.is(entries(home).length, 3) // m.ts, util.ts and helper.mts
})
