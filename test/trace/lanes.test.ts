import test from 'ava'
import {assignSlots, clampLane} from '../../src/trace/lanes.js'
import {tickStep} from '../../src/trace/time-axis.js'

test('assignSlots: lowest free slot, reused as soon as it ends, as many slots as the peak overlap', (t) => {
  t.deepEqual(assignSlots([]), [])
  t.deepEqual(
    assignSlots([
      {start: 0, end: 10},
      {start: 5, end: 20},
      {start: 10, end: 12},
      {start: 11, end: 30},
      {start: 25, end: 26},
    ]),
    [0, 1, 0, 2, 0],
  )
  // input order does not matter
  t.deepEqual(assignSlots([{start: 5, end: 20}, {start: 0, end: 10}]), [1, 0])
})

test('clampLane: overlapping intervals move later, never shorter than zero', (t) => {
  t.deepEqual(clampLane([{start: 0, end: 10}, {start: 7, end: 20}]), [
    {start: 0, end: 10, clampedBy: 0},
    {start: 10, end: 20, clampedBy: 3},
  ])
  t.deepEqual(clampLane([{start: 0, end: 10}, {start: 2, end: 5}])[1], {start: 10, end: 10, clampedBy: 8})
})

test('time axis: 1-2-5 steps and readable durations', (t) => {
  t.is(tickStep(76100), 10000)
  t.is(tickStep(1000), 200)
  t.is(tickStep(0), 1)
})
