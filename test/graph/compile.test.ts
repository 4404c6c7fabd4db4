import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import test from 'ava'
import {compileGraphFile, IndexExpr, ItemExpr, RefExpr, SubExpr, type CompiledGraph} from '../../src/graph/index.js'

function compile(file: string, set?: string[]): CompiledGraph {
  const r = compileGraphFile(file, {set})
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'))
  return r.graph
}

/** `name <- dep, dep` per instance, in instance order. */
function shape(g: CompiledGraph): string[] {
  return g.instances.map((i) => `${i.name}${i.marker ? '*' : ''} <- ${i.deps.map((d) => g.instances[d]!.name).join(', ')}`)
}

test('graphs/arrays.yaml: the SPEC example', (t) => {
  const g = compile('graphs/arrays.yaml')
  t.is(g.name, 'arrays')
  t.is(g.file, resolve('graphs/arrays.yaml'))
  t.deepEqual(shape(g), ['id1 <- ', 'id2 <- ', 'id3 <- id1, id2'])
  t.deepEqual(g.outputs, ['id3'])
  const id3 = g.taskById.get('id3')!
  t.deepEqual(id3.fn, {name: 'add_arrays', module: resolve('graphs/arrays.mjs'), export: 'addArrays'})
  t.deepEqual(id3.args, [new RefExpr('id1', null, [], id3.args[0] instanceof RefExpr ? id3.args[0].pos : undefined), id3.args[1]])
  t.true(id3.args[1] instanceof RefExpr && id3.args[1].task === 'id2')
  t.is(id3.options.numCpus, 0.25)
  t.is(id3.options.maxRetries, 3)
  t.deepEqual(id3.deps, ['id1', 'id2'])
  t.is(id3.cwd, resolve('graphs'))
  t.deepEqual(g.taskById.get('id1')!.args, [20])
})

test('graphs/arrays-wait.yaml: list fan-out, then a zip over it', (t) => {
  const g = compile('graphs/arrays-wait.yaml')
  t.deepEqual(shape(g), [
    'make[0] <- ', 'make[1] <- ', 'make[2] <- ', 'make[3] <- ', 'make[4] <- ',
    'add[0] <- make[0]', 'add[1] <- make[1]', 'add[2] <- make[2]', 'add[3] <- make[3]', 'add[4] <- make[4]',
  ])
  t.deepEqual(g.instances.slice(0, 5).map((i) => i.item), [0, 10, 20, 30, 40])
  const add = g.taskById.get('add')!
  t.deepEqual(add.fanout, {kind: 'zip', source: 'make'})
  t.true(add.args.every((a) => a instanceof ItemExpr))
  const item = g.instanceByName.get('add[3]')!.item
  t.true(item instanceof RefExpr && item.task === 'make' && item.instance === 3)
  t.deepEqual(g.outputs, ['add'])
  // instances share their task's spec
  t.is(g.instances[5]!.task, g.instances[9]!.task)
})

test('graphs/slow-square.yaml: a range and a .ts module', (t) => {
  const g = compile('graphs/slow-square.yaml')
  t.deepEqual(g.instances.map((i) => [i.name, i.index, i.item]), [['square[0]', 0, 0], ['square[1]', 1, 1], ['square[2]', 2, 2], ['square[3]', 3, 3]])
  t.is(g.tasks[0]!.fn!.module, resolve('graphs/slow-square.ts'))
  t.is(g.tasks[0]!.fn!.export, 'slowSquare')
  t.is(g.name, 'slow-square')
})

test('graphs/options.yaml: layering of defaults < functions < task, num_returns parts', (t) => {
  const g = compile('graphs/options.yaml')
  const o = (id: string) => g.taskById.get(id)!.options
  t.like(o('first'), {maxCalls: 1, maxRetries: 2, timeout: 30})
  t.like(o('second'), {maxCalls: 1, maxRetries: 0, timeout: 30})
  t.like(o('third'), {maxRetries: 2, timeout: 0.5, retryDelay: 0.5, backoff: 2})
  t.like(o('numbers'), {numReturns: 2, maxRetries: 1, maxCalls: 0})
  const evens = g.taskById.get('evens')!.args[0]
  t.true(evens instanceof RefExpr && evens.instance === null)
  t.deepEqual((evens as RefExpr).path, [0])
  t.deepEqual(((g.taskById.get('odds')!.args[0]) as RefExpr).path, [1])
  t.deepEqual(shape(g).slice(3), ['numbers <- ', 'evens <- numbers', 'odds <- numbers'])
})

test('graphs/retries.yaml: retry_exceptions by name', (t) => {
  const g = compile('graphs/retries.yaml')
  t.deepEqual(g.taskById.get('flaky')!.options.retryExceptions, {names: ['ValueError'], exitCodes: []})
  t.is(g.taskById.get('crash')!.options.maxRetries, 3)
  t.is(g.taskById.get('crash')!.options.retryExceptions, false)
})

test('graphs/commands.yaml: argv, stdin, env and json output', (t) => {
  const g = compile('graphs/commands.yaml')
  const counted = g.taskById.get('counted')!
  t.is(counted.kind, 'cmd')
  t.is(counted.cmd!.kind, 'argv')
  t.is(counted.output, 'lines')
  t.true(counted.stdin === undefined)
  t.true(g.taskById.get('sorted')!.stdin instanceof RefExpr)
  const numbers = g.taskById.get('numbers')!
  t.is(numbers.cmd!.kind, 'shell')
  t.true(numbers.env.SIZE instanceof RefExpr)
  t.is(numbers.output, 'json')
  t.deepEqual(shape(g), ['id1 <- ', 'words <- ', 'counted <- id1', 'sorted <- words', 'numbers <- id1', 'sum <- numbers'])
  t.like(counted.options, {maxCalls: 0, numReturns: 1})
})

test('graphs/dynamic.yaml: a marker stands for the dynamic fan-out', (t) => {
  const g = compile('graphs/dynamic.yaml')
  t.deepEqual(shape(g), ['listing <- ', 'shout* <- listing', 'all <- shout'])
  const shout = g.taskById.get('shout')!
  t.is(shout.fanout.kind, 'dynamic')
  t.deepEqual(shout.instances, [1])
  t.true(shout.args[1] instanceof IndexExpr)
  t.deepEqual(g.outputs, ['all'])
})

test('good fixture: range with a step, zips of zips, refs in items, sub, cwd, env layers', (t) => {
  const file = 'test/fixtures/good/fanout.yaml'
  const g = compile(file)
  t.deepEqual(shape(g), [
    'seed <- ',
    'r[0] <- ', 'r[1] <- ', 'r[2] <- ', 'r[3] <- ',
    'z[0] <- r[0]', 'z[1] <- r[1]', 'z[2] <- r[2]', 'z[3] <- r[3]',
    'zz[0] <- seed, z[0]', 'zz[1] <- seed, z[1]', 'zz[2] <- seed, z[2]', 'zz[3] <- seed, z[3]',
    'items[0] <- r[0]', 'items[1] <- seed', 'items[2] <- ',
    'p <- ',
    'pick <- r[2], p',
    'show <- seed, zz[0], zz[1], zz[2], zz[3], p, main_task',
    'main_task <- ',
  ])
  t.deepEqual(g.instances.slice(1, 5).map((i) => i.item), [10, 7, 4, 1])
  const r = g.taskById.get('r')!
  t.deepEqual(r.fn, {name: 'twice', module: resolve('test/fixtures/good/sub/other.cjs'), export: 'twice'})
  t.like(r.options, {numCpus: 0.5, maxRetries: 0, resources: {gpu: 1, mem: 2}})
  t.deepEqual(r.options.retryExceptions, {names: ['ValueError'], exitCodes: [3]})
  const show = g.taskById.get('show')!
  t.is(show.cwd, resolve('test/fixtures/good/sub'))
  t.is(show.env.LEVEL, 'task')
  t.is(show.env.SHARED, 'x')
  t.true(show.env.N instanceof RefExpr)
  t.like(show.options, {timeout: 90, retryDelay: 0.25, backoff: 2, maxCalls: 0, numReturns: 1})
  const argv = show.cmd?.kind === 'argv' ? show.cmd.argv : []
  t.is(argv[0], 'echo')
  t.true(argv[1] instanceof SubExpr)
  t.deepEqual((argv[1] as SubExpr).parts.map((p) => (p instanceof RefExpr ? `<${p.task}>` : p)), ['seed=', '<seed>', ' ${literal}'])
  t.deepEqual(show.after, ['main_task'])
  t.deepEqual(show.deps, ['seed', 'zz', 'p', 'main_task'])
  t.deepEqual(g.taskById.get('main_task')!.fn, {name: 'main', module: resolve(join('test/fixtures/good', 'mod.mjs')), export: 'default'})
  const pick = g.taskById.get('pick')!.args as RefExpr[]
  t.like(pick[0], {task: 'r', instance: 2, path: []})
  t.like(pick[1], {task: 'p', instance: null, path: [1, 'x']})
  t.deepEqual(g.outputs, ['show', 'pick'])
  // dependencies come first in the order
  const pos = new Map(g.order.map((idx, i) => [idx, i]))
  for (const inst of g.instances) for (const d of inst.deps) t.true(pos.get(d)! < pos.get(inst.idx)!)
  t.is(g.order.length, g.instances.length)
  // options shared between tasks that set none of their own
  t.is(g.taskById.get('z')!.options, g.taskById.get('zz')!.options)
})

test('tasks nothing depends on are the default outputs; the name defaults to the stem', (t) => {
  const g = compile('test/fixtures/good/fanout.yaml', [])
  t.is(g.name, 'fanout')
  const arrays = compile('graphs/commands.yaml')
  t.deepEqual(arrays.outputs, ['counted', 'sorted', 'numbers', 'sum'])
  const dyn = compile('graphs/dynamic.yaml')
  t.deepEqual(dyn.outputs, ['all'])
})

test("a task's deps: each once, in file order, whether few (kept in a list) or many (kept in a set)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-deps-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'm.mjs'), 'export const f = (...xs) => xs.length\n')
  const ids = Array.from({length: 20}, (_, i) => `a${i}`)
  // refs out of file order and repeated: the first 16 go through the list, the rest through the set
  const many = [...ids].reverse().concat(ids.slice(0, 5))
  const few = ['a2', 'a0', 'a2', 'a1', 'a0']
  const lines = ['version: 1', 'module: ./m.mjs', 'tasks:', ...ids.map((id) => `  ${id}: {fn: f}`)]
  lines.push(`  many: {fn: f, args: [${many.map((id) => `!ref ${id}`).join(', ')}], after: [a7, a19]}`)
  lines.push(`  few: {fn: f, args: [${few.map((id) => `!ref ${id}`).join(', ')}]}`)
  lines.push('  both: {fn: f, args: [!ref few, !ref many, !ref few]}')
  writeFileSync(join(dir, 'g.yaml'), lines.join('\n') + '\n')
  const g = compile(join(dir, 'g.yaml'))
  t.deepEqual(g.taskById.get('many')!.deps, ids)
  t.deepEqual(g.taskById.get('few')!.deps, ['a0', 'a1', 'a2'])
  t.deepEqual(g.taskById.get('both')!.deps, ['many', 'few'])
  const instance = (name: string) => g.instanceByName.get(name)!
  t.deepEqual(instance('many').deps, ids.map((id) => instance(id).idx))
  t.deepEqual(instance('few').deps, [0, 1, 2])
  t.deepEqual(g.outputs, ['both'])
  // the order puts every dependency first
  const at = new Map(g.order.map((idx, i) => [idx, i]))
  for (const inst of g.instances) for (const d of inst.deps) t.true(at.get(d)! < at.get(inst.idx)!, `${inst.name} after its deps`)
})
