import test from 'ava'
import {assertValidTrace, validateTrace} from './validate-trace.js'

const ok = {ph: 'X', name: 'a', cat: 'succeeded', ts: 0, dur: 5, pid: 1, tid: 1}

test('a valid trace, in both the object and the array form', (t) => {
  const events = [
    {ph: 'M', name: 'process_name', ts: 0, pid: 1, tid: 0, args: {name: 'p'}},
    {ph: 'M', name: 'thread_sort_index', ts: 0, pid: 1, tid: 1, args: {sort_index: 1}},
    ok,
    {ph: 'i', name: 'crash', ts: 3, pid: 1, tid: 1, s: 't'},
    {ph: 'i', name: 'end', ts: 4, pid: 1, tid: 1},
    {ph: 's', name: 'dep', cat: 'dependency', id: 1, ts: 4, pid: 1, tid: 1},
    {ph: 'f', name: 'dep', cat: 'dependency', id: 1, ts: 6, pid: 1, tid: 2, bp: 'e'},
    {ph: 'B', name: 'b', ts: 1, pid: 1, tid: 3},
    {ph: 'E', name: 'b', ts: 2, pid: 1, tid: 3},
    {ph: 'C', name: 'running', ts: 2, pid: 1, tid: 0, args: {n: 3}},
  ]
  t.deepEqual(validateTrace({traceEvents: events, displayTimeUnit: 'ms'}), [])
  t.deepEqual(validateTrace(events), [])
  t.notThrows(() => assertValidTrace(events))
})

const problem = (events: unknown[]): string[] => validateTrace({traceEvents: events})

test('required fields on every event', (t) => {
  t.regex(problem([{...ok, ph: undefined}])[0]!, /unknown phase/)
  t.regex(problem([{...ok, ph: 'Q'}])[0]!, /unknown phase "Q"/)
  t.regex(problem([{...ok, name: 3}])[0]!, /name must be a string/)
  t.regex(problem([{...ok, ts: '5'}])[0]!, /ts must be a finite number/)
  t.regex(problem([{...ok, ts: Number.NaN}])[0]!, /ts must be a finite number/)
  t.regex(problem([{...ok, pid: undefined}])[0]!, /pid/)
  t.regex(problem([{...ok, tid: null}])[0]!, /tid/)
  t.regex(problem([{...ok, args: 'x'}])[0]!, /args must be an object/)
  t.regex(problem([7])[0]!, /event #0: not an object/)
})

test('X needs dur ≥ 0', (t) => {
  t.regex(problem([{...ok, dur: undefined}])[0]!, /dur must be a number ≥ 0/)
  t.regex(problem([{...ok, dur: -1}])[0]!, /dur/)
})

test('instants: s in g, p, t', (t) => {
  t.regex(problem([{ph: 'i', name: 'x', ts: 0, pid: 1, tid: 1, s: 'q'}])[0]!, /s must be g, p or t/)
})

test('flows need id and cat, and an s matched by an f of the same cat', (t) => {
  const s = {ph: 's', name: 'd', cat: 'dep', id: 1, ts: 1, pid: 1, tid: 1}
  const f = {ph: 'f', name: 'd', cat: 'dep', id: 1, ts: 2, pid: 1, tid: 1, bp: 'e'}
  t.deepEqual(problem([s, f]), [])
  t.true(problem([s]).some((p) => /flow dep #1: 0 finish/.test(p)))
  t.true(problem([f]).some((p) => /flow dep #1: 0 start/.test(p)))
  t.true(problem([s, {...f, cat: 'other'}]).length === 2)
  t.true(problem([{...s, id: undefined}, f]).some((p) => /need an id/.test(p)))
  t.true(problem([{...s, cat: undefined}, f]).some((p) => /need a cat/.test(p)))
  t.true(problem([{...s, ts: 5}, f]).some((p) => /finishes before it starts/.test(p)))
  t.true(problem([s, {...f, bp: 'x'}]).some((p) => /bp must be "e"/.test(p)))
})

test('metadata: args.name for names, args.sort_index for sort indexes', (t) => {
  t.regex(problem([{ph: 'M', name: 'thread_name', ts: 0, pid: 1, tid: 1, args: {}}])[0]!, /args.name must be a string/)
  t.regex(problem([{ph: 'M', name: 'process_name', ts: 0, pid: 1, tid: 1}])[0]!, /args.name/)
  t.regex(problem([{ph: 'M', name: 'thread_sort_index', ts: 0, pid: 1, tid: 1, args: {sort_index: 'a'}}])[0]!, /sort_index/)
  t.regex(problem([{ph: 'M', name: 'thread_colour', ts: 0, pid: 1, tid: 1, args: {name: 'x'}}])[0]!, /unknown metadata/)
})

test('B/E pairing, counters, top level', (t) => {
  t.regex(problem([{ph: 'E', name: 'b', ts: 2, pid: 1, tid: 3}])[0]!, /E without an open B/)
  t.regex(problem([{ph: 'B', name: 'b', ts: 2, pid: 1, tid: 3}])[0]!, /B without E/)
  t.regex(problem([{ph: 'C', name: 'c', ts: 2, pid: 1, tid: 3, args: {n: 'x'}}])[0]!, /counter args/)
  t.regex(validateTrace({events: []})[0]!, /traceEvents/)
  t.regex(validateTrace({traceEvents: [], displayTimeUnit: 's'})[0]!, /displayTimeUnit/)
  t.throws(() => assertValidTrace([{...ok, dur: -1}]), {message: /invalid trace:\nevent #0 \(X "a"\): dur/})
})
