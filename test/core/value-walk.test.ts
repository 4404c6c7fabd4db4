// Walks of user values: cycles, shared parts and deep nesting, with no recursion.
import test from 'ava'
import {MAX_VALUE_DEPTH, mapLeaves, nestedDeeperThan, uncloneablePart, walkValue, DESCEND} from '../../src/core/value-walk.js'

class Leaf {
  constructor(readonly n: number) {}
}
const isLeaf = (v: object): boolean => v instanceof Leaf
const double = (v: object): unknown => (v as Leaf).n * 2

function nest(n: number, wrap: (v: unknown) => unknown): unknown {
  let v: unknown = 0
  for (let i = 0; i < n; i++) v = wrap(v)
  return v
}

test('mapLeaves keeps a cycle a cycle, and a shared part shared, in its copies', (t) => {
  const shared: Record<string, unknown> = {leaf: new Leaf(1)}
  const o: Record<string, unknown> = {a: shared, b: shared, list: [new Leaf(2)]}
  o.self = o
  ;(o.list as unknown[]).push(o.list)
  const out = mapLeaves(o, isLeaf, double) as Record<string, unknown>
  t.not(out, o)
  t.is(out.self, out)
  t.is(out.a, out.b)
  t.deepEqual(out.a, {leaf: 2})
  const list = out.list as unknown[]
  t.is(list[0], 4)
  t.is(list[1], list)
  // the original is untouched
  t.true(o.self === o && (shared.leaf as Leaf).n === 1)
})

test('mapLeaves returns the value itself when it holds no leaf, cycles included', (t) => {
  const a: unknown[] = [1, {x: 'y'}]
  a.push(a)
  t.is(mapLeaves(a, isLeaf, double), a)
  const flat = [1, 'two', null]
  t.is(mapLeaves(flat, isLeaf, double), flat)
})

test('mapLeaves maps a leaf held twice once, and keeps the parts it does not look into', (t) => {
  const leaf = new Leaf(3)
  let calls = 0
  const map = new Map([['k', new Leaf(9)]])
  const out = mapLeaves({x: [leaf, leaf], map}, isLeaf, (v) => ({n: (v as Leaf).n, call: ++calls})) as {x: unknown[]; map: unknown}
  t.is(calls, 1)
  t.is(out.x[0], out.x[1])
  t.is(out.map, map)
})

test('mapLeaves keeps a null prototype and an own __proto__ key', (t) => {
  const o = Object.create(null) as Record<string, unknown>
  Object.defineProperty(o, '__proto__', {value: [new Leaf(1)], enumerable: true, writable: true, configurable: true})
  o.deep = {leaf: new Leaf(5)}
  const out = mapLeaves(o, isLeaf, double) as Record<string, unknown>
  t.is(Object.getPrototypeOf(out), null)
  t.deepEqual(Object.keys(out), ['__proto__', 'deep'])
  t.deepEqual(out.__proto__, [2])
})

test('mapLeaves and nestedDeeperThan walk 200,000 levels without running out of stack', (t) => {
  const deep = nest(200_000, (v) => [v]) as unknown[]
  let inner = deep
  for (let i = 0; i < 199_999; i++) inner = inner[0] as unknown[]
  inner[0] = new Leaf(21)
  const out = mapLeaves(deep, isLeaf, double)
  let v = out
  for (let i = 0; i < 200_000; i++) v = (v as unknown[])[0]
  t.is(v, 42)
  t.true(nestedDeeperThan(deep, MAX_VALUE_DEPTH))
  t.true(nestedDeeperThan(nest(200_000, (x) => ({x})), MAX_VALUE_DEPTH))
  t.true(nestedDeeperThan(nest(5_000, (x) => new Map([['x', x]])), MAX_VALUE_DEPTH))
  t.true(nestedDeeperThan(nest(5_000, (x) => new Set([x])), MAX_VALUE_DEPTH))
})

test('nestedDeeperThan counts levels as structured clone does: a cycle or a shared part is not deep', (t) => {
  t.false(nestedDeeperThan(nest(MAX_VALUE_DEPTH, (v) => [v]), MAX_VALUE_DEPTH))
  t.true(nestedDeeperThan(nest(MAX_VALUE_DEPTH + 1, (v) => [v]), MAX_VALUE_DEPTH))
  t.false(nestedDeeperThan(42, 0))
  t.false(nestedDeeperThan(new Float64Array(10), 1))
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  t.false(nestedDeeperThan(cyclic, 2))
  // 30 levels, each holding the next twice: 2^30 paths, 30 levels
  t.false(nestedDeeperThan(nest(30, (v) => [v, v]), 30))
})

test('walkValue visits in the order the serializer writes, once per place, inside once', (t) => {
  const shared = {s: 1}
  const seen: string[] = []
  walkValue({a: [shared], b: new Map([['k', shared]])}, (part, depth) => {
    seen.push(`${depth}:${Array.isArray(part) ? 'array' : part instanceof Map ? 'map' : typeof part === 'object' && 's' in part ? 'shared' : 'root'}`)
    return DESCEND
  })
  t.deepEqual(seen, ['1:root', '2:array', '3:shared', '2:map', '3:shared'])
})

test('uncloneablePart names what structured clone refuses, anywhere in the value', (t) => {
  t.is(uncloneablePart(() => 1), 'a function')
  t.is(uncloneablePart(Symbol('s')), 'a symbol')
  t.is(uncloneablePart({deep: [new Map([['k', new Set([Promise.resolve()])]])]}), 'a Promise')
  const cyclic: Record<string, unknown> = {n: 1n, d: new Date(0)}
  cyclic.self = cyclic
  t.is(uncloneablePart(cyclic), null)
})
