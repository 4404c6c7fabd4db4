// Task modules are parsed, never run, when a graph compiles: their syntax errors are
// reported at MODULE:LINE:COL, and export checks use the exports a parser finds.
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {execa} from 'execa'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-modules-'))
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

let n = 0
/** a folder with these files and a graph calling `fns` from `module` */
function setup(files: Record<string, string>, module: string, fns: string[]): string {
  const dir = join(tmp, `case${n++}`)
  mkdirSync(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), text)
  }
  const tasks = fns.map((f, i) => `  t${i}: { fn: ${f} }`)
  writeFileSync(join(dir, 'g.yaml'), ['version: 1', `module: ./${module}`, 'tasks:', ...tasks].join('\n') + '\n')
  return join(dir, 'g.yaml')
}

function problems(file: string): string[] {
  const r = compileGraphFile(file)
  return r.ok ? [] : r.problems.map((p) => formatProblem(p).replace(`${join(file, '..')}/`, ''))
}

test('a syntax error in a .mjs module is reported at its line and column (in characters)', (t) => {
  const g = setup({'m.mjs': 'export function f() {\n  return "größe" 2\n}\n'}, 'm.mjs', ['f'])
  t.deepEqual(problems(g), ['m.mjs:2:18: syntax error: Expected ";" but found "2"'])
})

test('a syntax error in a .ts or .mts module is reported at its line and column', (t) => {
  t.deepEqual(problems(setup({'m.ts': 'export function f(x: number): number {\n  return x +\n}\n'}, 'm.ts', ['f'])), ['m.ts:3:1: syntax error: Unexpected "}"'])
  t.deepEqual(problems(setup({'m.mts': 'export const f = (x: number) => { x: }\n'}, 'm.mts', ['f'])), ['m.mts:1:38: syntax error: Unexpected "}"'])
})

test('a module is reported once, however many functions use it', (t) => {
  const g = setup({'m.mjs': 'export const f = 1 1\n'}, 'm.mjs', ['f', 'g', 'h'])
  t.deepEqual(problems(g), ['m.mjs:1:20: syntax error: Expected ";" but found "1"'])
})

test('an export named only in a comment or a string is missing', (t) => {
  const g = setup({'m.mjs': '// export function shout() {}\nconst s = "shout"\nexport function whisper() { return s }\n'}, 'm.mjs', ['shout', 'whisper'])
  t.deepEqual(problems(g), ['g.yaml:4:13: unknown function "shout": it is not in functions and module ./m.mjs has no export by that name'])
})

test('TypeScript: types are not exports, values are', (t) => {
  const g = setup({'m.ts': 'export type Shape = {a: number}\nexport interface Box {b: string}\nexport const area = (s: Shape): number => s.a\n'}, 'm.ts', ['area', 'Box'])
  t.deepEqual(problems(g), ['g.yaml:5:13: unknown function "Box": it is not in functions and module ./m.ts has no export by that name'])
})

test('export * from a relative module is followed; from a package it cannot be known', (t) => {
  const files = {
    'm.mjs': "export * from './lib/a.mjs'\nexport {b as renamed} from './b.mjs'\n",
    'lib/a.mjs': "export function deep() {}\nexport * from './c.js'\nexport * from '../m.mjs'\n", // a cycle
    'lib/c.js': 'export const deeper = () => 1\n',
    'b.mjs': 'export function b() {}\n',
  }
  t.deepEqual(problems(setup(files, 'm.mjs', ['deep', 'deeper', 'renamed', 'b'])), [
    'g.yaml:7:13: unknown function "b": it is not in functions and module ./m.mjs has no export by that name',
  ])
  // ./x.js naming x.ts, as TypeScript writes it
  t.deepEqual(problems(setup({'m.ts': "export * from './x.js'\n", 'x.ts': 'export const inTs = 1\n'}, 'm.ts', ['inTs'])), [])
  // a package's exports are not read: any name passes
  t.deepEqual(problems(setup({'m.mjs': "export * from 'node:path'\n"}, 'm.mjs', ['join', 'anything'])), [])
})

test('CommonJS and default-exported objects may hold any name; a declared default function may not', (t) => {
  t.deepEqual(problems(setup({'m.cjs': 'module.exports = {f() {}}\n'}, 'm.cjs', ['f', 'g'])), [])
  t.deepEqual(problems(setup({'m.mjs': 'const f = () => 1\nexport default {f}\n'}, 'm.mjs', ['f'])), [])
  t.deepEqual(problems(setup({'m.mjs': 'export default function main() {}\nexport const f = 1\n'}, 'm.mjs', ['f', 'main', 'default'])), [
    'g.yaml:5:13: unknown function "main": it is not in functions and module ./m.mjs has no export by that name',
  ])
})

test('compiling never runs the module', (t) => {
  const marker = join(tmp, 'ran')
  const g = setup({'m.mjs': `import {writeFileSync} from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'x')\nexport function f() {}\n`}, 'm.mjs', ['f'])
  t.deepEqual(problems(g), [])
  t.false(existsSync(marker))
})

test.serial('validate and run stop on a module syntax error: MODULE:LINE:COL, exit 2, no stack trace', async (t) => {
  const g = setup({'m.mjs': 'export function f() {\n  return 1 2\n}\n'}, 'm.mjs', ['f'])
  const env = {OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_HOME: join(tmp, 'home')}
  const where = join(g, '..', 'm.mjs')
  for (const cmd of ['validate', 'run']) {
    const r = await execa('./bin/dev.js', [cmd, g], {reject: false, env, timeout: 60_000})
    t.is(r.exitCode, 2, cmd)
    t.true(r.stderr.includes(`${where}:2:12: syntax error: Expected ";" but found "2"`), `${cmd}: ${r.stderr}`)
    t.false(/\n\s+at /.test(r.stderr), `${cmd}: ${r.stderr}`)
  }
})

test.serial('task error stacks keep the user\'s frames and lose rayts\' and node\'s below them', async (t) => {
  const g = setup(
    {
      'm.mjs': [
        "import {readFileSync} from 'node:fs'",
        'function inner(x) { throw new RangeError(`bad ${x}`) }',
        'export function direct(x) { return inner(x) }',
        'export async function later(x) { await new Promise((r) => setTimeout(r, 1)); return inner(x) }',
        "export function viaNode() { return readFileSync('/nonexistent/rayts-file') }",
      ].join('\n'),
      'top.mjs': 'throw new Error("boom at load")\nexport function f() {}\n',
    },
    'm.mjs',
    ['direct', 'later', 'viaNode'],
  )
  writeFileSync(g, (await import('node:fs')).readFileSync(g, 'utf8').replace('tasks:', 'defaults: {max_retries: 0}\nfunctions:\n  f: {module: ./top.mjs}\ntasks:\n  t3: { fn: f }'))
  const env = {OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_HOME: join(tmp, 'home')}
  const r = await execa('./bin/dev.js', ['run', g], {reject: false, env, timeout: 60_000})
  t.is(r.exitCode, 1)
  const out = r.stdout + '\n' + r.stderr
  const m = join(g, '..', 'm.mjs')
  t.true(out.includes(`    at inner (file://${m}:2:27)\n    at direct (file://${m}:3:36)\n`), out)
  t.true(out.includes(`    at later (file://${m}:4:`), out)
  // node's frames above the user's stay: they say where in the user's call it failed
  t.regex(out, /at readFileSync \(node:fs:\d+:\d+\)\n\s+at viaNode \(file:/)
  t.true(out.includes(`boom at load\n    at file://${join(g, '..', 'top.mjs')}:1:7`), out)
  t.false(/FnBatchRunner|fn-batch|load-module|node:internal|processTicksAndRejections/.test(out), out)
})

test('two modules with the same error at the same place are both reported', (t) => {
  const dir = join(tmp, 'twin')
  mkdirSync(dir)
  writeFileSync(join(dir, 'a.mjs'), 'export const f = 1 1\n')
  writeFileSync(join(dir, 'b.mjs'), 'export const f = 1 1\n')
  writeFileSync(join(dir, 'g.yaml'), 'version: 1\nfunctions:\n  a: {module: ./a.mjs, export: f}\n  b: {module: ./b.mjs, export: f}\ntasks:\n  x: {fn: a}\n  y: {fn: b}\n')
  t.deepEqual(problems(join(dir, 'g.yaml')).sort(), ['a.mjs:1:20: syntax error: Expected ";" but found "1"', 'b.mjs:1:20: syntax error: Expected ";" but found "1"'])
})
