import test from 'ava'
import {Batcher} from '../../src/ui/batcher.js'
import type {Batch, ResultItem} from '../../src/ui/results-format.js'
import {formatBatch} from '../../src/ui/results-format.js'
import {attachReporter} from '../../src/ui/index.js'
import {fakeTimers} from '../helpers/fake-timers.js'
import {Capture, Script, instances} from './helpers.js'

const item = (name: string, elapsed = 0): ResultItem => ({name, task: name, index: null, elapsed, value: 1})

function collect(o: {numReturns?: number; timeoutSeconds?: number}) {
  const batches: Batch[] = []
  const b = new Batcher({...o, now: () => 9, onBatch: (x) => batches.push(x)})
  return {b, batches, names: () => batches.map((x) => x.results.map((r) => r.name))}
}

test('N only: a batch every N results, the rest at close', (t) => {
  const {b, names, batches} = collect({numReturns: 2})
  b.start()
  for (const n of ['a', 'b', 'c', 'd', 'e']) b.add(item(n, 1))
  t.deepEqual(names(), [['a', 'b'], ['c', 'd']])
  t.is(batches[0]!.elapsed, 1)
  b.close()
  t.deepEqual(names(), [['a', 'b'], ['c', 'd'], ['e']])
  t.is(batches[2]!.elapsed, 9)
})

test.serial('D only: whatever is ready every D seconds; nothing ready prints nothing', (t) => {
  const clock = fakeTimers(t)
  const {b, names} = collect({timeoutSeconds: 0.1})
  b.start()
  b.add(item('a'))
  b.add(item('b'))
  clock.tick(99)
  t.deepEqual(names(), [])
  clock.tick(1)
  t.deepEqual(names(), [['a', 'b']])
  clock.tick(100) // a tick with nothing ready
  t.deepEqual(names(), [['a', 'b']])
  b.add(item('c'))
  b.close()
  t.deepEqual(names(), [['a', 'b'], ['c']])
})

test.serial('N or D, whichever first; a batch of N restarts the D clock', (t) => {
  const clock = fakeTimers(t)
  const {b, names} = collect({numReturns: 3, timeoutSeconds: 0.15})
  b.start()
  b.add(item('a'))
  clock.tick(80)
  b.add(item('b'))
  b.add(item('c')) // N reached before D
  t.deepEqual(names(), [['a', 'b', 'c']])
  b.add(item('d'))
  clock.tick(90) // 170 ms from the start, 90 after the batch: D not yet passed since the last batch
  t.deepEqual(names(), [['a', 'b', 'c']])
  clock.tick(59)
  t.deepEqual(names(), [['a', 'b', 'c']])
  clock.tick(1) // 150 ms after the batch
  t.deepEqual(names(), [['a', 'b', 'c'], ['d']])
  b.close()
})

test('formatBatch reads like the ray.wait loop', (t) => {
  t.is(
    formatBatch({elapsed: 2.0114, results: [{name: 'add[0]', value: new Float64Array(0)}, {name: 'add[1]', value: [1, 2]}]}),
    'Returned 2 completed tasks (elapsed 2.011 s)\n  add[0] = Float64Array(0) []\n  add[1] = [ 1, 2 ]',
  )
  t.is(formatBatch({elapsed: 1, results: [{name: 'x', value: 1}]}).split('\n')[0], 'Returned 1 completed task (elapsed 1.000 s)')
})

test.serial('the reporter batches output results and flushes the rest at run end', async (t) => {
  const s = new Script()
  const out = new Capture()
  const err = new Capture()
  const r = await attachReporter(s.events, {renderer: 'plain', color: false, stdout: out, stderr: err, clock: s.clock, numReturns: 2, timeoutSeconds: 30})
  s.start(instances(['add[0]', 'add[1]', 'add[2]']), ['add'])
  s.run(0).run(1).run(2).at(1).ok(0, 1).at(2).ok(1, 2).at(3).ok(2, 3).end()
  await r.close()
  t.is(
    out.text,
    'Returned 2 completed tasks (elapsed 2.000 s)\n  add[0] = 1\n  add[1] = 2\nReturned 1 completed task (elapsed 3.000 s)\n  add[2] = 3\n',
  )
})
