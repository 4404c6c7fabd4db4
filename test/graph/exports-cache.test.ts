// The exports cache (src/graph/modules/exports-cache.ts): two contents of one module never share an
// entry, and a cached answer is the answer a fresh parse gives.
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {exportsCache} from '../../src/graph/modules/exports-cache.js'
import {parseExports, readExports} from '../../src/graph/modules/module-exports.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-exports-cache-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))
let n = 0
const dirFor = (): string => {
  const d = join(tmp, `case${n++}`)
  mkdirSync(d)
  return d
}
const plain = (e: ReturnType<typeof parseExports>) => (e.kind === 'error' ? e : {kind: e.kind, names: [...e.names].sort()})

test('two contents of one file, same size and mtime, never share an entry', (t) => {
  const dir = dirFor()
  const cache = exportsCache(join(dir, 'cache'))
  const file = join(dir, 'm.mjs')
  writeFileSync(file, 'export function aa() {}\n')
  const {mtime} = statSync(file)
  const first = cache.keyOf(file)!
  cache.set(first, parseExports(file))
  writeFileSync(file, 'export function bb() {}\n')
  utimesSync(file, mtime, mtime)
  const second = cache.keyOf(file)!
  t.not(first, second)
  t.is(cache.get(second), undefined)
  t.deepEqual(plain(cache.get(first)!), {kind: 'names', names: ['aa']})
})

test('the same content at another path, in another folder, hits one entry (keyed by content only); another extension does not', (t) => {
  const dir = dirFor()
  const cache = exportsCache(join(dir, 'cache'))
  const file = join(dir, 'm.mjs')
  writeFileSync(file, 'export function aa() {}\n')
  const key = cache.keyOf(file)!
  cache.set(key, parseExports(file))
  const copy = join(dirFor(), 'copied.mjs')
  writeFileSync(copy, 'export function aa() {}\n')
  t.is(cache.keyOf(copy), key)
  t.deepEqual(plain(cache.get(cache.keyOf(copy)!)!), plain(parseExports(copy)))
  // (a module with `export *`, whose answer depends on other files, is never kept)
  const asCjs = join(dir, 'm.cjs')
  writeFileSync(asCjs, 'export function aa() {}\n')
  t.not(cache.keyOf(asCjs), key)
})

test('a .js file is keyed by its package.json too (it decides ESM or CommonJS)', (t) => {
  const dir = dirFor()
  const cache = exportsCache(join(dir, 'cache'))
  const file = join(dir, 'm.js')
  writeFileSync(file, 'export const a = 1\n')
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n')
  const esm = cache.keyOf(file)
  writeFileSync(join(dir, 'package.json'), '{"type": "commonjs"}\n')
  t.not(cache.keyOf(file), esm)
})

test('cached and fresh answers agree; errors, TypeScript and export * are never kept', (t) => {
  const dir = dirFor()
  const files: Record<string, string> = {
    'esm.mjs': 'export function f() {}\nexport const g = 1, h = 2\nexport {f as alias}\nexport default function main() {}\n',
    'obj-default.mjs': 'export default {f() {}}\n',
    'cjs.cjs': 'exports.f = () => 1\nmodule.exports.g = 2\n',
    'plain.js': 'export class K {}\nexport async function* gen() {}\n',
    'bad.mjs': 'export function f() {\n  return 1 2\n}\n',
    'typed.ts': 'export function f(x: number): number { return x }\n',
    'star.mjs': "export * from './esm.mjs'\nexport const own = 1\n",
    'star-pkg.mjs': "export * from 'some-package'\n",
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const home = join(dir, 'home')
  const before = process.env.RAYTS_HOME
  process.env.RAYTS_HOME = home
  try {
    for (const name of Object.keys(files)) {
      const file = join(dir, name)
      const fresh = plain(parseExports(file))
      t.deepEqual(plain(readExports(file)), fresh, `${name}, first read`)
      t.deepEqual(plain(readExports(file)), fresh, `${name}, second read`)
    }
  } finally {
    if (before === undefined) delete process.env.RAYTS_HOME
    else process.env.RAYTS_HOME = before
  }
  const kept = readdirSync(join(home, 'cache', 'exports'))
  // esm, obj-default, cjs and plain only
  t.is(kept.length, 4, kept.join(' '))
  t.true(kept.every((f) => f.endsWith('.json')), 'no temporary file is left')
})
