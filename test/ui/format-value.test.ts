// The one value formatter (src/format): strings whole, everything else util.inspect's preview.
import test from 'ava'
import {formatBatch, batchHead} from '../../src/format/batch.js'
import {formatValue, labelValue} from '../../src/format/value.js'
import {formatResult} from '../../src/ui/results-format.js'

test('strings are printed whole and as they are: no quotes, no cut, newlines kept', (t) => {
  const seq = Array.from({length: 40}, (_, i) => String(i + 1)).join('\n')
  t.is(formatValue(seq), seq)
  const long = 'x'.repeat(50_000)
  t.is(formatValue(long), long)
  t.is(formatValue('hi "there"'), 'hi "there"')
  t.is(formatValue(''), '')
})

test('a result line: one line for one-line text, the name alone above a multi-line string', (t) => {
  const seq = Array.from({length: 40}, (_, i) => String(i + 1)).join('\n')
  t.is(formatResult({name: 'c', task: 'c', index: null, elapsed: 1.468, value: seq}), `c (1.468 s):\n${seq}`)
  t.is(formatResult({name: 'c', task: 'c', index: null, elapsed: 1.468, value: 'hello world'}), 'c (1.468 s): hello world')
  t.is(formatResult({name: 'c', task: 'c', index: null, elapsed: 2, value: ''}), 'c (2.000 s):')
  t.is(labelValue('a =', 42), 'a = 42')
})

test('arrays, typed arrays and objects: util.inspect on one line, whole up to 100 items', (t) => {
  const a = Float64Array.from({length: 20}, (_, i) => i + 0.5)
  t.is(formatValue(a), `Float64Array(20) [ ${[...a].join(', ')} ]`)
  t.is(formatValue(new Float64Array(0)), 'Float64Array(0) []')
  t.is(formatValue([1, 2, 3]), '[ 1, 2, 3 ]')
  t.is(formatValue({a: 1, b: 'x', 'c-d': [true]}), "{ a: 1, b: 'x', 'c-d': [ true ] }")
  t.is(formatValue(Array.from({length: 100}, (_, i) => i)), `[ ${Array.from({length: 100}, (_, i) => i).join(', ')} ]`)
  t.false(formatValue({deep: Float64Array.from({length: 1000}, (_, i) => i)}).includes('\n'))
})

test('big arrays and long strings inside objects follow util.inspect thresholds', (t) => {
  const big = Float64Array.from({length: 150}, (_, i) => i)
  const s = formatValue(big)
  t.true(s.startsWith('Float64Array(150) [ 0, 1, 2,'))
  t.true(s.endsWith(', 99, ... 50 more items ]'))
  const inner = formatValue({s: 'y'.repeat(10_005)})
  t.true(inner.endsWith("... 5 more characters }"))
  t.is(formatValue({a: {b: {c: {d: {e: {f: 1}}}}}}), '{ a: { b: { c: { d: { e: [Object] } } } } }')
})

test('Map, Set, Buffer, Date, BigInt, scalars and cycles', (t) => {
  t.is(formatValue(new Map<unknown, unknown>([['a', 1], [2, 'b']])), "Map(2) { 'a' => 1, 2 => 'b' }")
  t.is(formatValue(new Set([1, 2])), 'Set(2) { 1, 2 }')
  t.is(formatValue(Buffer.from([0xde, 0xad, 0xbe, 0xef])), '<Buffer de ad be ef>')
  t.is(formatValue(new Date('2024-01-02T03:04:05.000Z')), '2024-01-02T03:04:05.000Z')
  t.is(formatValue(12345678901234567890n), '12345678901234567890n')
  t.is(formatValue(null), 'null')
  t.is(formatValue(undefined), 'undefined')
  t.is(formatValue(3.14159), '3.14159')
  const o: Record<string, unknown> = {a: 1}
  o.self = o
  t.is(formatValue(o), '<ref *1> { a: 1, self: [Circular *1] }')
})

test('batches: singular and plural, multi-line strings below their name', (t) => {
  t.is(batchHead(1, 2.011), 'Returned 1 completed task (elapsed 2.011 s)')
  t.is(batchHead(2, 2.011), 'Returned 2 completed tasks (elapsed 2.011 s)')
  t.is(formatBatch({elapsed: 1, results: [{name: 'a', value: [1]}, {name: 'b', value: 'x\ny'}]}), 'Returned 2 completed tasks (elapsed 1.000 s)\n  a = [ 1 ]\n  b =\nx\ny')
})
