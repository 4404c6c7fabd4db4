// The key's fast paths agree with the plain recipe (so every stored entry is still found),
// and never let two different instances share a key: keyOf writes its JSON piece by piece
// (a task's options made once), and a bare `!item` reuses the item's hash.
import test from 'ava'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hashTemplate, keyOf, keyOfReference, keyParts, type KeyContext, type KeyParts} from '../../src/cache/key.js'
import {compileGraphFile, type CompiledGraph, type InstanceSpec} from '../../src/graph/index.js'
import {NO_OBJECTS} from '../../src/scheduler/object-reads.js'

function compile(text: string): CompiledGraph {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-key-'))
  try {
    writeFileSync(join(dir, 'm.mjs'), 'export function f() {}\n')
    writeFileSync(join(dir, 'g.yaml'), text)
    const r = compileGraphFile(join(dir, 'g.yaml'))
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    return r.graph
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const context = (spec: InstanceSpec, item: unknown = spec.item): KeyContext => ({
  ctx: {item, index: spec.index, refValue: () => undefined, objects: NO_OBJECTS},
  refKeys: () => null,
  refDigest: () => '',
})

const partsOf = (spec: InstanceSpec, k: KeyContext = context(spec)): KeyParts => keyParts(spec, k, 'mod', undefined)

test('keyOf is the plain recipe: the same key for every kind of parts', (t) => {
  const all: KeyParts[] = [
    {format: 1, kind: 'fn', module: 'abc', export: 'f', args: ['v1', 'k2'], options: {env: 'e', cwd: 'c', num_returns: 'n'}, item: 'v1'},
    {format: 1, kind: 'fn', args: [], options: {}},
    {format: 1, kind: 'fn', module: 'a"b\\c', export: 'ü\u2028', args: ['"', '\n'], options: {z: '1', a: '2', 'é': '3'}},
    {format: 1, kind: 'cmd', args: ['vsh'], options: {env: 'e', cwd: 'c', stdin: 's', output: 'o'}, inputs: {'b.txt': 'h1', 'a.txt': '<none>'}},
    {format: 1, kind: 'cmd', args: ['x'], options: {env: 'e'}, inputs: {}},
    {format: 2, kind: 'cmd', args: ['x'], options: {env: 'e'}},
  ]
  for (const p of all) t.is(keyOf(p), keyOfReference(p))
  // and again, with the options' text remembered from the first time
  for (const p of all) t.is(keyOf(p), keyOfReference(p))
  t.is(new Set(all.map(keyOf)).size, all.length)
})

test('keyOf keeps parts apart that its pieces could run together', (t) => {
  const base: KeyParts = {format: 1, kind: 'fn', module: 'm', export: 'f', args: ['a', 'b'], options: {env: 'e'}}
  const variants: KeyParts[] = [
    base,
    {...base, args: ['a,b']},
    {...base, args: ['b', 'a']},
    {...base, module: 'm","f'},
    {...base, export: undefined},
    {...base, export: ''},
    {...base, options: {env: 'e', cwd: ''}},
    {...base, options: {env: 'f'}},
    {...base, kind: 'cmd'},
    {...base, inputs: {a: 'b'}},
  ]
  const keys = variants.map(keyOf)
  t.deepEqual(keys, variants.map(keyOfReference))
  t.is(new Set(keys.slice(0, 5)).size, 5)
  t.is(keys[4], keys[5]) // no export and '' are one in the recipe (a fn task always has one)
  t.is(new Set([...keys.slice(0, 5), ...keys.slice(6)]).size, 9)
})

test('a bare !item is hashed once, and the key is the one it was before', (t) => {
  const g = compile(`version: 1
module: ./m.mjs
tasks:
  x: {fn: f, foreach: [1, "1", 0, -0.0, .nan, null, [1, 2], {a: 1}], args: [!item]}
  y: {fn: f, foreach: [[1, 2], [2, 1]], args: [!item, !item 0, !index]}
`)
  const specs = g.instances.filter((s) => !s.marker)
  const keys = specs.map((s) => keyOf(partsOf(s)))
  t.is(new Set(keys).size, specs.length)
  for (const s of specs) {
    const p = partsOf(s)
    // each argument as hashTemplate makes it on its own (no item hash to reuse)
    t.deepEqual(p.args, s.task.args.map((a) => hashTemplate(a, context(s))))
    t.deepEqual(partsOf(s, context(s, structuredClone(s.item))), p)
    if (s.task.id === 'x') t.true(p.item !== undefined && p.args[0] === p.item)
  }
  // a context whose item is not the spec's: the argument follows the context, not the spec
  const x0 = specs[0]!
  const other = partsOf(x0, context(x0, 2))
  t.not(other.args[0], other.item)
  t.is(other.args[0], partsOf(specs[1]!, context(specs[1]!, 2)).args[0])
})

test('small values count by their own encoding: values a task can tell apart never share a part, and one value has one part however it is written', (t) => {
  const k = context({item: undefined, index: null} as unknown as InstanceSpec)
  const values: unknown[] = [1, '1', 0, -0, Number.NaN, null, undefined, true, 'true', false, '', '=d1', '=s"1"', 'ed1', Number.POSITIVE_INFINITY, 'Infinity', -1.5, 1e21, 1.0000000000000002, 'x'.repeat(32), 'x'.repeat(33), '"'.repeat(20), 'é']
  const parts = values.map((v) => hashTemplate(v as never, k))
  t.is(new Set(parts).size, values.length)
  t.is(parts[0], '=d1')
  t.is(parts[3], '=d-0')
  t.true(parts[20]!.startsWith('v'), 'a longer string counts by its hash')
  t.true(parts[21]!.startsWith('v'), 'a string whose JSON is long counts by its hash')
  // the same value as a literal argument, a bare !item, an !item path and an !index
  const g = compile(`version: 1
module: ./m.mjs
tasks:
  a: {fn: f, foreach: [3], args: [3, !item, !index]}
  b: {fn: f, foreach: [{v: 3}], args: [!item v]}
`)
  const [a, b] = g.instances.filter((s) => !s.marker)
  const pa = partsOf(a!)
  t.deepEqual(pa.args, ['=d3', '=d3', '=d0'])
  t.deepEqual(partsOf(b!).args, ['=d3'])
})
