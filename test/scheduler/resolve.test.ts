// Templates resolved into values: a library call's arguments may be cyclic or deep.
import test from 'ava'
import {RefExpr} from '../../src/graph/model.js'
import {hasExpr, resolve, ResolveError, toText, type ResolveContext} from '../../src/scheduler/resolve.js'
import {NO_OBJECTS} from '../../src/scheduler/object-reads.js'

const ctx: ResolveContext = {refValue: (ref) => `value of ${ref.task}`, item: undefined, index: null, objects: NO_OBJECTS}

test('a cyclic template resolves to a copy with the same cycle, each ref in place', (t) => {
  const args: unknown[] = [new RefExpr('a', null, []), {}]
  const o = args[1] as Record<string, unknown>
  o.back = args
  o.ref = new RefExpr('b', null, [])
  t.true(hasExpr(args))
  const out = resolve(args, ctx) as [string, {back: unknown; ref: string}]
  t.is(out[0], 'value of a')
  t.is(out[1].ref, 'value of b')
  t.is(out[1].back, out)
  // a cyclic template with no expression in it is the value itself
  const plain: unknown[] = [1]
  plain.push(plain)
  t.false(hasExpr(plain))
  t.is(resolve(plain, ctx), plain)
})

test('a template nested 100,000 deep is walked without running out of stack', (t) => {
  let deep: unknown = new RefExpr('a', null, [])
  for (let i = 0; i < 100_000; i++) deep = {d: deep}
  t.true(hasExpr(deep))
  let v = resolve(deep, ctx)
  for (let i = 0; i < 100_000; i++) v = (v as {d: unknown}).d
  t.is(v, 'value of a')
})

test('a value with a cycle made text (a cmd argument, env, !sub) is a ResolveError that says so', (t) => {
  const o: Record<string, unknown> = {}
  o.o = o
  t.throws(() => toText(o, NO_OBJECTS), {instanceOf: ResolveError, message: 'a value cannot be made text (JSON): it holds a cycle'})
  t.is(toText({a: [1n, new Map([['k', new Set([2])]])]}, NO_OBJECTS), '{"a":["1",{"k":[2]}]}')
})
