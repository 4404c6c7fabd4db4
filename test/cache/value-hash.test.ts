// The cache key's value hash: equal values agree, values a task could tell apart never do.
import test from 'ava'
import {createHash} from 'node:crypto'
import {hashValue, writeValue} from '../../src/cache/value-hash.js'
import {globToRegExp} from '../../src/cache/input-files.js'

const differ = (a: unknown, b: unknown): boolean => hashValue(a) !== hashValue(b)

test('values a task can tell apart hash differently', (t) => {
  t.true(differ(1, '1'))
  t.true(differ(-0, 0))
  t.true(differ(Number.NaN, null))
  t.true(differ(null, undefined))
  t.true(differ(1, 1n))
  t.true(differ([1, 2], [2, 1]))
  t.true(differ([undefined], new Array(1))) // a hole is not undefined
  t.true(differ(new Int8Array([1, 2]), new Uint8Array([1, 2])))
  t.true(differ(new Uint8Array([1, 2]), new Uint8ClampedArray([1, 2])))
  t.true(differ(new Float32Array(1), new Int32Array(1)))
  t.true(differ(new Map([[1, 'a'], [2, 'b']]), new Map([[2, 'b'], [1, 'a']])))
  t.true(differ(new Set([1, 2]), new Set([2, 1])))
  t.true(differ(new Set([1]), [1]))
  t.true(differ(new Date(0), 0))
  t.true(differ({a: 1}, {a: '1'}))
  t.true(differ({ab: ''}, {a: 'b'}))
  t.true(differ(['ab'], ['a', 'b']))
  t.true(differ(new ArrayBuffer(2), new Uint8Array(2)))
  t.true(differ('x', Object('x')))
  // the same shape, shared or not: a shared part is observable through identity
  const shared = {v: 1}
  t.true(differ([shared, shared], [{v: 1}, {v: 1}]))
})

test('equal values hash the same', (t) => {
  t.is(hashValue(Number.NaN), hashValue(0 / 0))
  t.is(hashValue({a: [1, 'x', null], m: new Map([['k', new Set([1n])]])}), hashValue({a: [1, 'x', null], m: new Map([['k', new Set([1n])]])}))
  t.is(hashValue(new Float64Array([1.5, 2])), hashValue(new Float64Array([1.5, 2])))
  t.is(hashValue(new Date(5)), hashValue(new Date(5)))
})

test('cyclic values hash, and two different cycles differ', (t) => {
  const a: unknown[] = [1]
  a.push(a)
  const b: unknown[] = [1]
  b.push(b)
  t.is(hashValue(a), hashValue(b))
  const c: unknown[] = [2]
  c.push(c)
  t.not(hashValue(a), hashValue(c))
  const m = new Map<string, unknown>()
  m.set('self', m)
  t.notThrows(() => hashValue(m))
})

test('a deeply nested value does not overflow the stack', (t) => {
  let deep: unknown = 0
  for (let i = 0; i < 200_000; i++) deep = [deep]
  t.regex(hashValue(deep), /^[0-9a-f]{64}$/)
})

test('functions and symbols are refused (structured clone refuses them too)', (t) => {
  t.throws(() => hashValue({f: () => 1}), {message: /function/})
  t.throws(() => hashValue(Symbol('s')), {message: /symbol/})
})

test('inputs: globs', (t) => {
  t.true(globToRegExp('data/*.csv').test('data/a.csv'))
  t.false(globToRegExp('data/*.csv').test('data/x/a.csv'))
  t.true(globToRegExp('data/**/*.csv').test('data/x/y/a.csv'))
  t.true(globToRegExp('data/**/*.csv').test('data/a.csv'))
  t.true(globToRegExp('f?.{txt,md}').test('f1.md'))
  t.false(globToRegExp('f?.{txt,md}').test('f12.md'))
})

test('a primitive hashes in one call to the same digest as its streamed encoding', (t) => {
  for (const v of [0, -0, 1.5, NaN, Infinity, '', '1', 'é漢', 10n, -3n, true, false, null, undefined]) {
    const h = createHash('sha256')
    writeValue(h, v)
    t.is(hashValue(v), h.digest('hex'), String(v))
  }
})
