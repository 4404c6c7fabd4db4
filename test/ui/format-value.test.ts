import test from 'ava'
import {formatNumber, formatValue} from '../../src/ui/format-value.js'

test('typed arrays are truncated with … and their length given', (t) => {
  const a = Float64Array.from({length: 20}, (_, i) => i + 0.5)
  t.is(formatValue(a), 'Float64Array(20) [0.5, 1.5, 2.5, …, 17.5, 18.5, 19.5]')
  t.is(formatValue(new Int32Array([1, 2, 3])), 'Int32Array(3) [1, 2, 3]')
  t.is(formatValue(new Float64Array(0)), 'Float64Array(0) []')
  t.is(formatValue(new BigInt64Array([1n, -2n])), 'BigInt64Array(2) [1n, -2n]')
  t.is(formatValue(a, {maxItems: 4}), 'Float64Array(20) [0.5, 1.5, …, 18.5, 19.5]')
})

test('floats in arrays get 4 significant digits, exponents far from 1', (t) => {
  t.is(formatValue(new Float64Array([0.123456, -1.2, 1234567.8, 0.00001234])), 'Float64Array(4) [0.1235, -1.2, 1.235e+6, 1.234e-5]')
  t.is(formatNumber(3), '3')
  t.is(formatNumber(Number.NaN), 'NaN')
})

test('Buffer shows hex bytes', (t) => {
  t.is(formatValue(Buffer.from([0xde, 0xad, 0xbe, 0xef])), 'Buffer(4) <de ad be ef>')
  t.is(formatValue(Buffer.alloc(100, 1)), 'Buffer(100) <01 01 01 … 01 01 01>')
})

test('Map, Set, Date, BigInt and scalars', (t) => {
  t.is(formatValue(new Map<unknown, unknown>([['a', 1], [2, 'b']])), 'Map(2) {"a" => 1, 2 => "b"}')
  t.is(formatValue(new Set([1, 2])), 'Set(2) {1, 2}')
  t.is(formatValue(new Date('2024-01-02T03:04:05.000Z')), '2024-01-02T03:04:05.000Z')
  t.is(formatValue(12345678901234567890n), '12345678901234567890n')
  t.is(formatValue(null), 'null')
  t.is(formatValue(undefined), 'undefined')
  t.is(formatValue(true), 'true')
  t.is(formatValue(3.14159), '3.14159')
})

test('short arrays and objects inline, long ones truncated, nesting bounded', (t) => {
  t.is(formatValue([1, 2, 3]), '[1, 2, 3]')
  t.is(formatValue({a: 1, b: 'x', 'c-d': [true]}), '{a: 1, b: "x", "c-d": [true]}')
  t.is(formatValue(Array.from({length: 100}, (_, i) => i)), 'Array(100) [0, 1, 2, …, 97, 98, 99]')
  const wide = Object.fromEntries(Array.from({length: 10}, (_, i) => [`k${i}`, i]))
  t.is(formatValue(wide), '{k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, …+4 keys}')
  t.is(formatValue({a: {b: {c: {d: 1}}}}), '{a: {b: {c: {…}}}}')
  t.is(formatValue([[[[1, 2]]]]), '[[[[Array(2)]]]]')
  t.is(formatValue({x: new Float32Array([1.5, 2])}), '{x: Float32Array(2) [1.5, 2]}')
})

test('long strings are cut with their length given', (t) => {
  t.is(formatValue('hi'), '"hi"')
  const s = 'x'.repeat(500)
  t.is(formatValue(s), `"${'x'.repeat(60)}…" (500 chars)`)
  t.is(formatValue('a\nb'), '"a\\nb"')
})

test('cycles do not loop', (t) => {
  const o: Record<string, unknown> = {a: 1}
  o.self = o
  t.is(formatValue(o), '{a: 1, self: [Circular]}')
})
