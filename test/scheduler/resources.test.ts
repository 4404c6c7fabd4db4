// Demands: tasks that name no resources share one record per num_cpus; different options
// never share one.
import test from 'ava'
import {DEFAULT_OPTIONS} from '../../src/graph/compile/options.js'
import type {TaskOptions} from '../../src/graph/model.js'
import {demandOf, ResourcePool} from '../../src/scheduler/resources.js'

const opts = (numCpus: number, resources: Record<string, number> = {}): TaskOptions => ({...DEFAULT_OPTIONS, numCpus, resources})

test('tasks without resources share a demand per num_cpus, and only that', (t) => {
  t.is(demandOf(opts(1)), demandOf(opts(1)))
  t.not(demandOf(opts(1)), demandOf(opts(2)))
  t.is(demandOf(opts(0.5)).key, 'cpu=0.5')
  t.is(demandOf(opts(2)).key, 'cpu=2')
  t.is(demandOf(opts(1, {gpu: 1})).key, 'cpu=1,gpu=1')
  t.not(demandOf(opts(1, {gpu: 1})).key, demandOf(opts(1)).key)
  t.is(demandOf(opts(1, {CPU: 1})).key, 'cpu=2')
})

test('a shared demand is taken and given back like any other', (t) => {
  const pool = new ResourcePool({cpu: 2})
  const d = demandOf(opts(1))
  t.is(pool.room(d), 2)
  pool.take(d)
  pool.take(demandOf(opts(1)))
  t.is(pool.room(d), 0)
  t.false(pool.fits(demandOf(opts(1))))
  pool.give(d)
  t.is(pool.room(demandOf(opts(1))), 1)
})
