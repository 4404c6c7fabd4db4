import {execFileSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import test from 'ava'
import {execa} from 'execa'
import {compileGraphFile, draw, type CompiledGraph} from '../../src/graph/index.js'

function graph(file: string): CompiledGraph {
  const r = compileGraphFile(file)
  if (!r.ok) throw new Error(`${file} does not compile`)
  return r.graph
}

test('dot: quoted names, an edge per dependency, dynamic markers dashed', (t) => {
  const dot = draw(graph('graphs/arrays-wait.yaml'), 'dot')
  t.true(dot.startsWith('digraph "arrays-wait" {\n'))
  t.true(dot.endsWith('}\n'))
  t.true(dot.includes('  "make[0]" [label="make[0]\\nmake_array()", style="rounded"];'))
  t.true(dot.includes('  "add[4]" [label="add[4]\\nadd_arrays()", style="rounded,bold"];'))
  t.is(dot.match(/ -> /g)?.length, 5)
  t.true(dot.includes('  "make[2]" -> "add[2]";'))
  const dyn = draw(graph('graphs/dynamic.yaml'), 'dot')
  t.true(dyn.includes('"shout[*]" [label="shout[*]\\nshout()", style="rounded,dashed"]'))
  t.true(dyn.includes('"listing" -> "shout[*]";'))
  t.true(dyn.includes('"shout[*]" -> "all";'))
})

test('mermaid: safe node ids, quoted labels, edges, outputs marked', (t) => {
  const m = draw(graph('graphs/arrays.yaml'), 'mermaid')
  t.deepEqual(m.trim().split('\n'), [
    'flowchart LR',
    '  n0["id1<br/>make_array()"]',
    '  n1["id2<br/>make_array()"]',
    '  n2["id3<br/>add_arrays()"]',
    '  n0 --> n2',
    '  n1 --> n2',
    '  classDef output stroke-width:3px',
    '  class n2 output',
  ])
  const dyn = draw(graph('graphs/dynamic.yaml'), 'mermaid')
  t.true(dyn.includes('  n1(["shout[*]<br/>shout()"])'))
})

test('json: tasks with resolved options, instances, edges and order', (t) => {
  const j = JSON.parse(draw(graph('graphs/options.yaml'), 'json')) as {
    name: string
    tasks: {id: string; options: Record<string, unknown>; args: unknown[]}[]
    instances: {name: string; deps: number[]}[]
    edges: number[][]
    order: number[]
    outputs: string[]
  }
  t.is(j.name, 'options')
  const first = j.tasks.find((x) => x.id === 'first')!
  t.deepEqual(first.options, {maxRetries: 2, retryExceptions: false, retryDelay: 0, backoff: 1, timeout: 30, maxCalls: 1, numCpus: 1, resources: {}, numReturns: 1, cache: false})
  t.deepEqual(j.tasks.find((x) => x.id === 'evens')!.args, [{'!ref': 'numbers.0'}])
  t.deepEqual(j.edges, [[3, 4], [3, 5]])
  t.deepEqual(j.order, [0, 1, 2, 3, 4, 5])
  t.deepEqual(j.instances.map((i) => i.name), ['first', 'second', 'third', 'numbers', 'evens', 'odds'])
})

const hasDot = (() => {
  try {
    execFileSync('dot', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

;(hasDot ? test.serial : test.serial.skip)('dot output of every example renders in Graphviz', async (t) => {
  const files = [...readdirSync('graphs').map((f) => `graphs/${f}`), ...readdirSync('test/fixtures/good').map((f) => `test/fixtures/good/${f}`)].filter((f) => f.endsWith('.yaml'))
  for (const file of files) {
    const r = await execa('dot', ['-Tsvg'], {input: draw(graph(file), 'dot'), reject: false})
    t.is(r.exitCode, 0, `${file}: ${r.stderr}`)
    t.regex(r.stdout, /<svg/)
  }
})

test('mermaid escapes quotes and angle brackets in labels', (t) => {
  const m = draw(graph('graphs/commands.yaml'), 'mermaid')
  t.true(m.includes('  n2["counted<br/>seq #lt;id1#gt;"]'))
  t.true(m.includes('#quot;$SIZE#quot;'))
})
