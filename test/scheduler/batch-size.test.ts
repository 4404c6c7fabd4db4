// How many jobs of one function go to a worker in one message (scheduler/batch-size.ts).
import test from 'ava'
import {BatchSizer} from '../../src/scheduler/batch-size.js'

const sizer = (micros?: number): BatchSizer => {
  const s = new BatchSizer(new Map())
  if (micros !== undefined) s.observe('f', micros)
  return s
}

test('a function not measured yet goes one job at a time', (t) => {
  t.is(sizer().size('f', 1000, 2), 1)
})

test('short jobs are packed to about 2 ms a batch, at most 64, and never more than their share of the queue', (t) => {
  t.is(sizer(10).size('f', 10_000, 2), 64)
  t.is(sizer(120).size('f', 64, 2), 16, 'make_array(3,000) here: 2 ms a batch')
  t.is(sizer(120).size('f', 10, 2), 5, 'ten queued over two lanes: five each')
  t.is(sizer(120).size('f', 1, 2), 1)
  t.is(sizer(120).size('f', 10_000, 2), 64, 'with thousands waiting, up to 20 ms a batch (64 at most)')
})

test('longer jobs are packed while many wait, and go one at a time as the queue drains', (t) => {
  const s = sizer(2600) // make_array(80,000) here
  t.is(s.size('f', 100, 2), 7, 'about 20 ms a batch')
  t.is(s.size('f', 40, 2), 5, 'a quarter of the jobs per lane')
  t.is(s.size('f', 16, 2), 2)
  t.is(s.size('f', 8, 2), 1, 'the last ones spread over every lane')
  t.is(s.size('f', 100, 1), 7)
  t.is(sizer(600).size('f', 100, 2), 12, '0.6 ms jobs: a quarter of 50 per lane')
})

test('jobs of 20 ms or more always go one at a time', (t) => {
  t.is(sizer(20_000).size('f', 10_000, 2), 1)
  t.is(sizer(1_000_000).size('f', 10_000, 2), 1)
})
