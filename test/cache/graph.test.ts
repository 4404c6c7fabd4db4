// cache: and inputs: in graph files: layering, --set, the schema, and the places they may stand.
import test from 'ava'
import {join} from 'node:path'
import {cacheWarnings, compileGraphFile, formatProblem} from '../../src/graph/index.js'
import {folder} from './helpers.js'

const GRAPH = `version: 1
module: ./m.mjs
defaults: {cache: true}
functions:
  g: {export: f, cache: false}
tasks:
  a: {fn: f}
  b: {fn: g}
  c: {fn: g, cache: true}
  d: {cmd: [cat, x.txt], inputs: [x.txt, "data/**/*.csv"]}
  e: {cmd: "echo hi"}
`

function setup(graph = GRAPH) {
  const p = folder({'m.mjs': 'export function f() { return 1 }\n', 'g.yaml': graph})
  return {...p, file: join(p.dir, 'g.yaml')}
}

test('cache layers like any option; inputs are kept on cmd tasks; a cached cmd without inputs is warned about', (t) => {
  const p = setup()
  t.teardown(p.cleanup)
  const r = compileGraphFile(p.file)
  if (!r.ok) return t.fail(r.problems.map(formatProblem).join('\n'))
  const cache = (id: string) => r.graph.taskById.get(id)!.options.cache
  t.deepEqual(['a', 'b', 'c', 'd', 'e'].map(cache), [true, false, true, true, true])
  t.deepEqual(r.graph.taskById.get('d')!.inputs, ['x.txt', 'data/**/*.csv'])
  const warnings = cacheWarnings(r.graph, 'g.yaml')
  t.is(warnings.length, 1)
  t.regex(warnings[0]!, /^g\.yaml:\d+:\d+: warning: task e has cache: true but no inputs/)
  const off = compileGraphFile(p.file, {set: ['defaults.cache=false']})
  t.true(off.ok && off.graph.taskById.get('a')!.options.cache === false)
  t.true(off.ok && cacheWarnings(off.graph).length === 0)
})

test('inputs on a fn task, and a cache that is not a boolean, are errors at their place', (t) => {
  const p = setup('version: 1\nmodule: ./m.mjs\ntasks:\n  a: {fn: f, inputs: [x]}\n  b: {fn: f, cache: "yes"}\n')
  t.teardown(p.cleanup)
  const r = compileGraphFile(p.file)
  t.false(r.ok)
  const text = r.ok ? '' : r.problems.map(formatProblem).join('\n')
  t.regex(text, /g\.yaml:4:\d+: inputs is for cmd tasks only/)
  t.regex(text, /g\.yaml:5:\d+: cache must be true or false/)
})
