// The fast path for plain results (src/store/small-values.ts) writes exactly what
// v8.serialize writes, and every value reads back as itself; values it does not take go to
// v8.serialize. Two different values never share bytes.
import test from 'ava'
import {deserialize, serialize} from 'node:v8'
import {encodedHere, serializeValue} from '../../src/store/small-values.js'

const values: unknown[] = [
  undefined, null, true, false, 0, -0, 1, -1, 2, 63, 64, 127, 128, -64, -65, 255, 256, 16383, 16384, 1e6, -1e6,
  2 ** 30 - 1, -(2 ** 30), 2 ** 30, -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 31 + 1, 2 ** 53, -(2 ** 53), 1e300,
  0.5, -0.5, 1.5, Math.PI, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.EPSILON,
  '', 'a', '0', 'true', 'null', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é', 'naïve', '日本', '\u0000\u007f', 'line\nbreak',
  1n, {}, [], [1], {a: 1}, new Date(0), new Uint8Array([1]),
]
for (let i = 0; i < 200; i++) values.push(Math.floor((Math.random() - 0.5) * 2 ** (i % 40)), (Math.random() - 0.5) * 10 ** (i % 20))

test('the fast path writes v8.serialize\'s bytes, and every value reads back as itself', (t) => {
  let fast = 0
  for (const v of values) {
    const bytes = serializeValue(v)
    if (encodedHere(v)) {
      fast++
      t.deepEqual(bytes, serialize(v), `${String(v)}: the bytes v8 writes`)
    }
    const back = deserialize(bytes) as unknown
    if (typeof v === 'number' && Number.isNaN(v)) t.true(Number.isNaN(back))
    else t.true(Object.is(back, v) || (typeof v === 'object' && v !== null), `${String(v)} reads back`)
    if (typeof v === 'object' && v !== null) t.deepEqual(back, v)
  }
  t.true(fast > 100, `the fast path took ${fast} of ${values.length}`)
  for (const v of [undefined, null, true, 0, -0, -1, 1.5, 2 ** 31 + 1, 'a']) t.true(encodedHere(v), `${String(v)} takes the fast path`)
  for (const v of [2 ** 30, -(2 ** 31), 'é', 'z'.repeat(65), 1n, {}]) t.false(encodedHere(v), `${String(v)} goes to v8.serialize`)
})

test('values a task can tell apart never share bytes', (t) => {
  const distinct = [undefined, null, true, false, 0, -0, 1, '1', '', 'true', 'null', 'undefined', 1.5, Number.NaN, 2 ** 31, '2147483648', 'a', 'A']
  const seen = new Map<string, unknown>()
  for (const v of distinct) {
    const hex = serializeValue(v).toString('hex')
    t.false(seen.has(hex), `${String(v)} and ${String(seen.get(hex))} share ${hex}`)
    seen.set(hex, v)
  }
})
