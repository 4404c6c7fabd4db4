// .json graph files: the same compiler and validation as YAML, tags as one-key objects,
// problems at FILE:LINE:COL.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {compileGraphFile, formatProblem, type CompiledGraph, type TaskSpec} from '../../src/graph/index.js'
import {generate, NOOP_MODULE, write, type GraphData} from './generated-graphs.js'

const dir = mkdtempSync(join(tmpdir(), 'rayts-json-'))
test.after.always(() => rmSync(dir, {recursive: true, force: true}))
writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)

function compiled(file: string): CompiledGraph {
  const r = compileGraphFile(file)
  if (!r.ok) throw new Error(r.problems.slice(0, 5).map(formatProblem).join('\n'))
  return r.graph
}

/** The graph without its file name (the only thing two spellings of one graph may differ in). */
function withoutFile(g: CompiledGraph): unknown {
  const task = (t: TaskSpec) => ({...t, pos: {line: t.pos.line, col: t.pos.col}})
  return {
    ...g,
    file: undefined,
    tasks: g.tasks.map(task),
    taskById: [...g.taskById].map(([id, t]) => [id, task(t)]),
    instances: g.instances.map((i) => ({...i, task: i.task.id})),
    instanceByName: [...g.instanceByName.keys()],
  }
}

function both(name: string, data: GraphData): {yaml: string; json: string} {
  const yaml = join(dir, `${name}.yaml`)
  const json = join(dir, `${name}.json`)
  writeFileSync(yaml, write(data, 'flow'))
  writeFileSync(json, write(data, 'json'))
  return {yaml, json}
}

test('a generated 10,000-task graph compiles to the same graph from YAML and from JSON', (t) => {
  const {yaml, json} = both('mixed', generate('mixed', 10_000))
  const gy = compiled(yaml)
  const gj = compiled(json)
  t.is(gy.tasks.length, 10_000)
  t.true(gy.instances.length > 13_000)
  t.deepEqual(withoutFile(gj), withoutFile(gy))
  // and block-style YAML too
  const block = join(dir, 'mixed-block.yaml')
  writeFileSync(block, write(generate('mixed', 10_000), 'block'))
  const gb = compiled(block)
  t.deepEqual(gb.instances.map((i) => ({...i, task: i.task.id})), gy.instances.map((i) => ({...i, task: i.task.id})))
  t.deepEqual(
    gb.tasks.map((x) => ({...x, pos: undefined})),
    gy.tasks.map((x) => ({...x, pos: undefined})),
  )
})

test('deep, fan-in and wide graphs: YAML and JSON agree', (t) => {
  for (const shape of ['deep', 'fan-in', 'wide'] as const) {
    const {yaml, json} = both(shape, generate(shape, 2000))
    t.deepEqual(withoutFile(compiled(json)), withoutFile(compiled(yaml)), shape)
  }
})

test('two JSON graphs that differ in one tag do not compile alike', (t) => {
  const base = (arg: unknown) => ({version: 1, module: './noop.mjs', tasks: {x: {fn: 'noop'}, y: {fn: 'noop', foreach: [1, 2]}, z: {fn: 'noop', foreach: [5], args: [arg]}}})
  const graphs = [{$ref: 'x'}, {$ref: 'y.1'}, {$item: true}, {$index: true}, {$sub: 'v=${x}'}, {ref: 'x'}].map((arg, i) => {
    const file = join(dir, `one-tag-${i}.json`)
    writeFileSync(file, JSON.stringify(base(arg)))
    const z = compiled(file).taskById.get('z')!
    return {args: z.args, deps: z.deps}
  })
  for (let i = 0; i < graphs.length; i++) for (let j = i + 1; j < graphs.length; j++) t.notDeepEqual(graphs[i], graphs[j], `${i} vs ${j}`)
  t.deepEqual(graphs[5]!.args, [{ref: 'x'}]) // a key without $ is data
})

test('the same mistakes in YAML and JSON: the same messages (tags spelled per file) on the same lines', (t) => {
  const data = {
    version: 1,
    module: './noop.mjs',
    tasks: {
      a: {fn: 'noop', args: [{$ref: 'zz'}], timeout: 'never'},
      b: {fn: 'noop', foreach: [1, 2], args: [{$ref: 'b.5'}]},
      c: {fn: 'noop', args: [{$item: true}, {$sub: 'x ${a'}], retries: 2},
      d: {fn: 'nope', args: [{$ref: 'e'}]},
      e: {fn: 'noop', args: [{$ref: 'd'}]},
    },
  }
  const {yaml, json} = both('mistakes', data)
  const problems = (file: string) => {
    const r = compileGraphFile(file)
    // columns differ (JSON is wider): the fixtures below check them
    return r.ok ? [] : r.problems.map((p) => `${p.line}: ${p.message}`)
  }
  const fromYaml = problems(yaml)
  t.is(fromYaml.length, 8, fromYaml.join('\n'))
  t.deepEqual(problems(json), fromYaml.map((l) => l.replaceAll('!', '$')))
})

// every .json file in test/fixtures/bad, with its problems (FILE left out)
const expected: Record<string, string[]> = {
  'json-syntax': ['4:27: not valid JSON: expected a key in double quotes'],
  'json-ref-not-string': ['4:27: $ref takes a task id and path as a string, like {"$ref": "ID.path"}'],
  'json-unknown-tag': ['5:27: unknown tag $reff (the tags are $ref, $item, $index, $sub)'],
  'json-duplicate-key': ['5:5: Map keys must be unique'],
  'json-tag-extra-key': ['5:27: $ref must be the only key of its object: a tag is a one-key object, like {"$ref": "ID.path"}'],
  'json-cycle': ['4:27: cycle: a -> b -> c -> a'],
  'json-many-problems': [
    '5:27: unknown task "id2" (did you mean "id1"?)',
    '5:44: $item is only allowed in a task with foreach (in its args, cmd, stdin or env)',
    '5:73: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)',
    '6:27: $sub has a "${" without its closing "}" (write $${ for a literal ${)',
    '6:56: $index is only allowed in a task with foreach (in its args, cmd, stdin or env)',
  ],
}

for (const [name, lines] of Object.entries(expected)) {
  test(`bad JSON graph: ${name}`, (t) => {
    const file = join('test/fixtures/bad', `${name}.json`)
    const r = compileGraphFile(file)
    if (r.ok) return t.fail(`${file} compiled`)
    t.deepEqual(r.problems.map(formatProblem), lines.map((l) => `${file}:${l}`))
  })
}

test('every bad JSON fixture is in the table', (t) => {
  const names = readdirSync('test/fixtures/bad').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort()
  t.deepEqual(names, Object.keys(expected).sort())
})

test('JSON syntax errors at their place, whatever V8 says', (t) => {
  const cases: [string, string][] = [
    ['{"version": 1, "tasks": {"a": {"cmd": [tru]}}}', '1:40: not valid JSON: expected a value, not "t"'],
    ['{"version": 1,\n "tasks": {"a": 1}\n', '3:1: not valid JSON: the text ends before a closing }'],
    ['{"version": 1} x', '1:16: not valid JSON: more text after the JSON value'],
    ['{"version": "a\nb"}', '1:15: not valid JSON: a control character in a string (write it as an escape, like \\n)'],
    ['{"version" 1}', "1:12: not valid JSON: expected ':' after the key"],
    ["{'version': 1}", '1:2: not valid JSON: expected a key in double quotes'],
  ]
  for (const [text, want] of cases) {
    const file = join(dir, 'syntax.json')
    writeFileSync(file, text)
    const r = compileGraphFile(file)
    t.deepEqual(r.ok ? [] : r.problems.map(formatProblem), [`${file}:${want}`], text)
  }
})

test('JSON: nesting deeper than 64 levels is refused at its place; 100,000 levels do not overflow', (t) => {
  const deep = join(dir, 'deep.json')
  writeFileSync(deep, `{"version": 1, "tasks": {"a": {"cmd": ["echo"], "stdin": ${'['.repeat(100)}${']'.repeat(100)}}}}`)
  const r = compileGraphFile(deep)
  t.deepEqual(r.ok ? [] : r.problems.map(formatProblem), [`${deep}:1:120: nesting too deep (more than 64 levels)`])
  writeFileSync(deep, `{"version": 1, "tasks": {"a": {"cmd": ["echo"], "stdin": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`)
  const r2 = compileGraphFile(deep)
  t.false(r2.ok)
  if (!r2.ok) t.regex(formatProblem(r2.problems[0]!), /nesting too deep/)
})

test('a JSON graph with $schema compiles; {"$ref": ...} at the top of args is a dependency', (t) => {
  const file = join(dir, 'schema-key.json')
  writeFileSync(
    file,
    JSON.stringify({$schema: '../schema/graph.schema.json', version: 1, module: './noop.mjs', tasks: {e_1: {fn: 'noop', args: [{nested: {$ref: 'b.x'}}]}, b: {fn: 'noop'}}}),
  )
  const g = compiled(file)
  t.deepEqual(g.taskById.get('e_1')!.deps, ['b'])
})

test('test/fixtures/good/fanout.json is fanout.yaml spelled in JSON: the same graph', (t) => {
  const strip = (g: CompiledGraph) => {
    const w = withoutFile(g) as {tasks: {pos: unknown}[]; taskById: unknown; name: unknown}
    return {...w, tasks: w.tasks.map((x) => ({...x, pos: undefined})), taskById: undefined}
  }
  t.deepEqual(strip(compiled('test/fixtures/good/fanout.json')), strip(compiled('test/fixtures/good/fanout.yaml')))
})
