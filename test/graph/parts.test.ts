import test from 'ava'
import {parsePath, parseRefText} from '../../src/graph/index.js'
import {CompileContext} from '../../src/graph/compile/passes/context.js'
import {parseSubText} from '../../src/graph/compile/refs.js'
import {Tagged} from '../../src/graph/read/tags.js'
import {closest, editDistance} from '../../src/graph/validate/suggest.js'

test('ref texts: ids, instances, paths', (t) => {
  t.deepEqual(parseRefText('id1'), {task: 'id1', path: []})
  t.deepEqual(parseRefText('make.2'), {task: 'make', path: [2]})
  t.deepEqual(parseRefText('make[2]'), {task: 'make', path: [2]})
  t.deepEqual(parseRefText('make[2].field.0'), {task: 'make', path: [2, 'field', 0]})
  t.deepEqual(parseRefText('my-task_2.x'), {task: 'my-task_2', path: ['x']})
  t.is(parseRefText(''), 'needs a task id (!ref ID)')
  t.is(parseRefText('2abc'), '"2abc" does not start with a task id')
  t.is(parseRefText('a..b'), 'cannot read "..b" as a path (use .name, .0 or [0])')
  t.is(parseRefText('a[x]'), 'cannot read "[x]" as a path (use .name, .0 or [0])')
  t.deepEqual(parsePath('a.0', false), ['a', 0])
  t.deepEqual(parsePath('[1].b', false), [1, 'b'])
})

test('ref texts: the id scan reads the ids the id pattern does, and no two texts share a reading', (t) => {
  const texts = ['a', 'A_b-9', '_x', '-a', '9a', 'a.b', 'a[0]', 'a-', 'é', 'aé', 'a b', 'a$', 'ab.0.c', 'ab', 'abc', 'x_1-2.3']
  for (const text of texts) {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text)
    const r = parseRefText(text)
    if (!m) t.is(typeof r, 'string', text)
    else if (typeof r !== 'string') t.is(r.task, m[0], text)
  }
  // a ref's reading is kept on its tag: two tags, two readings
  const a = new Tagged('ref', 'ab')
  const b = new Tagged('ref', 'abc.1')
  const ctx = new CompileContext({}, {file: 'f', at: () => ({file: 'f', line: 1, col: 1}), problem: (_p, message) => ({file: 'f', line: 1, col: 1, message})}, '!', '/f', '/', [])
  t.deepEqual(ctx.parseRef(a), {task: 'ab', path: []})
  t.deepEqual(ctx.parseRef(b), {task: 'abc', path: [1]})
  t.is(ctx.parseRef(a), ctx.parseRef(a))
  t.deepEqual(ctx.parseRef(new Tagged('ref', 'ab.2')), {task: 'ab', path: [2]})
})

test('!sub texts: refs, literals, $${', (t) => {
  t.deepEqual(parseSubText('n=${id1} and ${a.2.x}!'), [{lit: 'n='}, {ref: 'id1'}, {lit: ' and '}, {ref: 'a.2.x'}, {lit: '!'}])
  t.deepEqual(parseSubText('$${HOME} ${b}'), [{lit: '${HOME} '}, {ref: 'b'}])
  t.is(typeof parseSubText('${a'), 'string')
})

test('did you mean: close names only, swaps count once', (t) => {
  t.is(editDistance('frist', 'first'), 1)
  t.is(editDistance('kitten', 'sitting'), 3)
  t.is(closest('max_retry', ['max_retries', 'max_calls']), 'max_retries')
  t.is(closest('zz', ['id1', 'id2']), undefined)
})
