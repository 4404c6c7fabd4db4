import test from 'ava'
import {compileGraphFile, makeDynamicInstances, type CompiledGraph} from '../../src/graph/index.js'

function graph(): CompiledGraph {
  const r = compileGraphFile('graphs/dynamic.yaml')
  if (!r.ok) throw new Error('dynamic.yaml does not compile')
  return r.graph
}

test('a dynamic fan-out makes one instance per list element', (t) => {
  const g = graph()
  const marker = g.instanceByName.get('shout')!
  t.true(marker.marker)
  const r = makeDynamicInstances(g, marker, ['alpha', 'beta', {x: 1}], 3)
  if (!r.ok) return t.fail(r.message)
  t.deepEqual(
    r.instances.map((i) => [i.idx, i.name, i.index, i.item, i.marker]),
    [
      [3, 'shout[0]', 0, 'alpha', false],
      [4, 'shout[1]', 1, 'beta', false],
      [5, 'shout[2]', 2, {x: 1}, false],
    ],
  )
  for (const i of r.instances) {
    t.is(i.task, marker.task)
    t.deepEqual(i.deps, marker.deps)
  }
  const empty = makeDynamicInstances(g, marker, [], 3)
  t.deepEqual(empty, {ok: true, instances: []})
  const typed = makeDynamicInstances(g, marker, new Float64Array([1.5, 2.5]), 3)
  t.true(typed.ok && typed.instances[1]!.item === 2.5)
})

test('a source value that is not a list is an error message', (t) => {
  const g = graph()
  const marker = g.instanceByName.get('shout')!
  t.deepEqual(makeDynamicInstances(g, marker, 'abc', 3), {ok: false, message: 'foreach of shout: listing must return a list to fan out over, not string'})
  t.deepEqual(makeDynamicInstances(g, marker, {a: 1}, 3), {ok: false, message: 'foreach of shout: listing must return a list to fan out over, not Object'})
  t.deepEqual(makeDynamicInstances(g, marker, null, 3), {ok: false, message: 'foreach of shout: listing must return a list to fan out over, not null'})
  const notMarker = makeDynamicInstances(g, g.instanceByName.get('listing')!, [1], 3)
  t.deepEqual(notMarker, {ok: false, message: 'listing is not a dynamic fan-out'})
})

test('a zip over a dynamic fan-out is dynamic too, over the marker', (t) => {
  const r = compileGraphFile('test/fixtures/good/dynamic-chain.yaml')
  if (!r.ok) return t.fail(JSON.stringify(r.problems))
  const g = r.graph
  t.deepEqual(
    g.instances.map((i) => `${i.name}${i.marker ? '*' : ''} <- ${i.deps.map((d) => g.instances[d]!.name).join(', ')}`),
    ['list <- ', 'each* <- list', 'again* <- each', 'part* <- list'],
  )
  const part = g.taskById.get('part')!
  t.like(part.fanout.kind === 'dynamic' ? part.fanout.source : undefined, {task: 'list', instance: null, path: ['files']})
})
