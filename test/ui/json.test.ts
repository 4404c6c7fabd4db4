import test from 'ava'
import {MAX_REPEATED_PARTS, toJson} from '../../src/format/json.js'
import {attachReporter} from '../../src/ui/index.js'
import {Capture, Script, instances, valueError} from './helpers.js'

test('the JSON encoding of result values', (t) => {
  t.deepEqual(toJson(new Float64Array([1.5, 2])), [1.5, 2])
  t.deepEqual(toJson(Buffer.from([1, 255])), [1, 255])
  t.deepEqual(toJson(new BigUint64Array([5n])), ['5'])
  t.is(toJson(2n ** 70n), '1180591620717411303424')
  t.deepEqual(toJson(new Map([['a', 1]])), {a: 1})
  t.deepEqual(toJson(new Map<unknown, unknown>([[1, 'x'], ['b', 2]])), [[1, 'x'], ['b', 2]])
  t.deepEqual(toJson(new Set([1, 'a'])), [1, 'a'])
  t.is(toJson(new Date('2024-01-02T03:04:05.000Z')), '2024-01-02T03:04:05.000Z')
  t.deepEqual(toJson([Number.NaN, Infinity, -Infinity, undefined]), ['NaN', 'Infinity', '-Infinity', null])
  t.deepEqual(toJson({a: {b: [new Int8Array([-1])]}}), {a: {b: [[-1]]}})
})

test('the JSON encoding marks a cycle, keeps a shared part whole, and bounds nesting instead of running out of stack', (t) => {
  const o: Record<string, unknown> = {name: 'o'}
  o.self = o
  const shared = {s: 1}
  t.deepEqual(toJson({o, a: shared, b: shared}), {o: {name: 'o', self: '[Circular]'}, a: {s: 1}, b: {s: 1}})
  let deep: unknown = 0
  for (let i = 0; i < 100_000; i++) deep = [deep]
  let v = toJson(deep)
  let levels = 0
  while (Array.isArray(v)) {
    v = v[0]!
    levels++
  }
  t.is(levels, 1000)
  t.is(v, '[Deep]')
})

test('the JSON encoding writes shared parts at each place, until a million parts were written again: a value built by doubling stays bounded', (t) => {
  // a little sharing: whole, as before
  const row = new Float64Array(1000).fill(0.5)
  const grid = Array.from({length: 100}, () => row)
  const enc = toJson({grid, again: grid}) as {grid: number[][]; again: number[][]}
  t.is(enc.grid.length, 100)
  t.deepEqual(enc.again[99], Array.from(row))
  t.false(JSON.stringify(enc).includes('[Shared]'))
  // x = [x, x], 40 times: 2^40 leaves as JSON, 41 arrays in memory
  let x: unknown = [1]
  for (let i = 0; i < 40; i++) x = [x, x]
  const text = JSON.stringify(toJson(x))
  t.true(text.includes('"[Shared]"'))
  t.true(text.length < 40 * MAX_REPEATED_PARTS, `${text.length} characters`)
  // the first time each part is met it is written whole: the leftmost path reaches the 1
  let first = JSON.parse(text) as unknown
  let levels = 0
  while (Array.isArray(first)) {
    first = first[0]
    levels++
  }
  t.is(first, 1)
  t.is(levels, 41)
  // a big value with no sharing is written whole, however big
  const big = Array.from({length: 3 * MAX_REPEATED_PARTS}, (_, i) => i)
  t.deepEqual(toJson(big), big)
})

async function jsonRun(numReturns?: number) {
  const s = new Script()
  const out = new Capture()
  const err = new Capture()
  const r = await attachReporter(s.events, {renderer: 'json', color: false, stdout: out, stderr: err, clock: s.clock, numReturns})
  s.start(instances(['id1', 'id2', 'id3', 'sq[0]', 'sq[1]']), ['id3', 'sq'])
  s.run(0).run(1).at(1).ok(0, 1).ok(1, 2).run(2).run(3).run(4)
  s.at(2).log(2, 'line one\nline two\n').attemptFailed(2, valueError, false).fail(2, valueError)
  s.at(3).ok(3, new Float64Array([0.5, 1])).ok(4, new Map([['k', 10n]])).end('failed')
  await r.close()
  return {out: out.text, err: err.text}
}

test('--json: stdout is JSON lines only, a result per output instance, failures, a summary last', async (t) => {
  const {out, err} = await jsonRun()
  const lines = out.trimEnd().split('\n')
  const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  t.deepEqual(objs.map((o) => o.type), ['failed', 'result', 'result', 'summary'])
  t.deepEqual(objs[1], {type: 'result', instance: 'sq[0]', task: 'sq', index: 0, elapsed: 3, value: [0.5, 1]})
  t.deepEqual(objs[2]!.value, {k: '10'})
  t.like(objs[0], {type: 'failed', instance: 'id3', error: {name: 'ValueError', message: 'bad input'}, log: ['line one', 'line two']})
  t.like(objs[3], {type: 'summary', runId: 'r1', state: 'failed', elapsed: 3, counts: {succeeded: 4, failed: 1}})
  t.false(out.includes('\x1b'))
  // stderr: the task's lines as they came, the failure (error, stack: its lines were just
  // printed, so no log tail) and one summary line, nothing else
  t.regex(err, /^id3#1 \| line one\nid3#1 \| line two\n✗ id3 ValueError: bad input\n {4}at f \(\/m\.mjs:3:9\)\nrun r1/)
  t.regex(err, /run r1 failed: 4 succeeded, 1 failed in 3\.000 s/)
  t.notRegex(err, /✓/)
})

test('--json with batches: one object per batch', async (t) => {
  const {out} = await jsonRun(2)
  const objs = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.deepEqual(objs.map((o) => o.type), ['failed', 'batch', 'summary'])
  t.like(objs[1], {type: 'batch', elapsed: 3, results: [{instance: 'sq[0]', value: [0.5, 1]}, {instance: 'sq[1]'}]})
})
