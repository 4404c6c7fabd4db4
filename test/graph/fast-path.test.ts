// The fast YAML reader (fast-yaml.ts) and the positioned parse (parse.ts) must agree: on every
// good and bad graph in the tree, and on snippets at the edges of the fast reader's subset.
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {compileGraphFile, formatProblem, type CompileResult} from '../../src/graph/index.js'
import {readYamlFast} from '../../src/graph/read/fast-yaml.js'
import {parseGraphText} from '../../src/graph/read/parse.js'
import {Tagged} from '../../src/graph/read/tags.js'
import {generate, NOOP_MODULE, write} from './generated-graphs.js'

const dir = mkdtempSync(join(tmpdir(), 'rayts-fast-path-'))
test.after.always(() => rmSync(dir, {recursive: true, force: true}))
writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)

/** A compile result as comparable data: problems as text, or the graph with tags' classes kept. */
function outcome(r: CompileResult): unknown {
  return r.ok ? {graph: r.graph} : {problems: r.problems.map(formatProblem)}
}

const yamlFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f))
const corpus = [...yamlFiles('graphs'), ...yamlFiles('test/fixtures/good'), ...yamlFiles('test/fixtures/bad')]

test('fast and positioned compiles agree on every graph in graphs/ and test/fixtures', (t) => {
  t.true(corpus.length > 60)
  let fast = 0
  for (const file of corpus) {
    if (readYamlFast(readFileSync(file, 'utf8')) !== undefined) fast++
    t.deepEqual(outcome(compileGraphFile(file)), outcome(compileGraphFile(file, {positioned: true})), file)
  }
  // most of the corpus is in the subset; the rest (errors, aliases…) takes the positioned path
  t.true(fast > corpus.length / 2, `${fast} of ${corpus.length} read fast`)
})

test('a generated graph in flow and block style: read fast, and the same graph as positioned', (t) => {
  for (const spelling of ['flow', 'block'] as const) {
    const file = join(dir, `mixed-${spelling}.yaml`)
    const text = write(generate('mixed', 500), spelling)
    writeFileSync(file, text)
    t.not(readYamlFast(text), undefined, `${spelling} is in the fast subset`)
    const fast = compileGraphFile(file)
    t.true(fast.ok, JSON.stringify(fast.ok ? '' : fast.problems.slice(0, 3)))
    t.deepEqual(outcome(fast), outcome(compileGraphFile(file, {positioned: true})))
  }
})

/** The positioned walk's data, or undefined when the text has problems. */
function positioned(text: string): unknown {
  const r = parseGraphText(text, 'x.yaml')
  return r.ok ? r.parsed.value : undefined
}

// Snippets at the edges of the subset. Each is read fast to the positioned data, or not read
// fast at all (then the positioned path reads or reports it): never read to something else.
const SNIPPETS: [text: string, fast: boolean][] = [
  ['a: 1\nb: [1, 2]\nc: {d: e}\n', true],
  ['a: [1,\n  2]\n', true],
  ['a: [1,\n2]\n', false], // not indented enough: an error
  ['a:\n  b: [1,\n  2]\n', false],
  ['a: [1,\n 2\n]\n', false], // yaml accepts it (with a warning); the fast reader does not try
  ['a: [1, # c\n  2]\n', true],
  ['a: {b: 1,\n  c}\n', true],
  ['a: [a\n  b]\n', false], // a multi-line plain scalar
  ['a: {x:1}\n', false],
  ['a: {"x":1}\n', true],
  ['a: [x:1]\n', false],
  ['a: {x: 1, y}\n', true],
  ['a: -\n', false],
  ['a: b #c\n', true],
  ['a: b#c\n', true],
  ['a: "x"y\n', false],
  ["a: 'x' # c\n", true],
  ['a: [!index]\n', true],
  ['a: [!index, !ref x]\n', true],
  ['a: !index\n', true],
  ['a: !ref\n  x\n', false],
  ['a: !ref [x]\n', false],
  ['a: !reff x\n', false],
  ['a: !!str 1\n', false],
  ['null: 1\n~: 2\n', false], // duplicate key '' (both read as null)
  ['null: 1\n', true],
  ['1.0: 1\n0x1F: 2\ntrue: 3\n', true],
  ['a: [1_000, 0o17, 0x1F, .inf, -.Inf, .nan, 1e3, +1, 007, 1., .5, -0, 123456789012345678901234567890]\n', true],
  ['a: [yes, no, on, off, True, FALSE, Null, NULL, ~, null, ""]\n', true],
  ['a: [a,]\n', true],
  ['a: {b: 1,}\n', true],
  ['a: [,a]\n', false],
  ['a: { }\nb: []\n', true],
  ['"a": 1\n\'b\': 2\n', true],
  ['"a":1\n', false],
  ['a : 1\n', true],
  ['a:  \n  - 1\n', true],
  ['a:\n- 1\n- 2\nb: 3\n', true],
  ['a:\n  - b: 1\n    c: 2\n  - d\n  - - e\n    - f\n', true],
  ['a: http://x.com\n', true],
  ['a: [http://x.com]\n', false],
  ['a: x: y\n', false],
  ['a: {b: {c: [1, {d: e}]}}\n', true],
  ['a: "tab\\there \\u00e9 \\" \\\\"\nb: \'it\'\'s\'\n', true],
  ['a: "bad \\q escape"\n', false],
  ['a: "multi\n  line"\n', false],
  ['a: |\n  block\n', false],
  ['a: &x 1\nb: *x\n', false],
  ['a: 1\na: 2\n', false],
  ['<<: {a: 1}\n', false],
  ['---\na: 1\n', false],
  ['a: 1\n...\n', false],
  ['%YAML 1.2\n---\na: 1\n', false],
  ['a:\n\tb: 1\n', false],
  ['a: 1\r\nb: 2\r\n', false],
  ['? a\n: 1\n', false],
  ['a:\n  b\n', false], // a scalar alone on its line below its key
  ['a: b\n  c\n', false], // a multi-line plain scalar
  ['a:\n  b: 1\n c: 2\n', false],
  ['- a\n- b\n', false], // the root is not a map
  ['  a: 1\n', false],
  ['{a: 1, b: [2, 3]}\n', true],
  ['{\n  "version": 1,\n  "tasks": {"a": [1,\n2]}\n}\n', true],
  ['a: [{b: !ref c.0}, !sub "x ${c}", !item d.e]\n', true],
  ['a: !sub "  padded  "\n', true],
  ['a:\n  - !ref x\n  - !item\n', true],
  ['__proto__: 1\nconstructor: 2\n', true],
  ['a: {__proto__: {b: 1}}\n', true],
  ['a: [-1, -x, --flag, -.5]\n', true],
  ['a: - x\n', false],
  ['a: [a, b]  # a comment\nb: {}# not a comment\n', false],
  ['# only comments\n', false],
  ['a: !index,\n', false],
  ['a: [!ref, x]\n', true],
  ['a: "x" # c\n"b c": d e  \n', true],
  ['a: [ "x" , \'y\' ]\n', true],
  ['a: {"b" : 1, c : 2}\n', true],
]

test('snippets: read fast to the same data, or left to the positioned path', (t) => {
  const view = (v: unknown): unknown =>
    v instanceof Tagged ? {tag: v.tag, text: v.text} : Array.isArray(v) ? v.map(view) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, view(x)])) : v
  for (const [text, fast] of SNIPPETS) {
    const r = readYamlFast(text)
    t.is(r !== undefined, fast, `fast read of ${JSON.stringify(text)}`)
    if (r !== undefined) t.deepEqual(view(r.value), view(positioned(text)), JSON.stringify(text))
  }
})

test('two graphs that differ in one ref do not compile alike', (t) => {
  const a = join(dir, 'a.yaml')
  const b = join(dir, 'b.yaml')
  writeFileSync(a, 'version: 1\nmodule: ./noop.mjs\ntasks:\n  x: {fn: noop}\n  y: {fn: noop}\n  z: {fn: noop, args: [!ref x]}\n')
  writeFileSync(b, 'version: 1\nmodule: ./noop.mjs\ntasks:\n  x: {fn: noop}\n  y: {fn: noop}\n  z: {fn: noop, args: [!ref y]}\n')
  const ga = compileGraphFile(a)
  const gb = compileGraphFile(b)
  if (!ga.ok || !gb.ok) return t.fail()
  t.deepEqual(ga.graph.taskById.get('z')!.deps, ['x'])
  t.deepEqual(gb.graph.taskById.get('z')!.deps, ['y'])
})

test('a problem in a graph read fast is placed by the positioned parse, at the same FILE:LINE:COL', (t) => {
  const file = join(dir, 'late-problem.yaml')
  const tasks = Array.from({length: 2000}, (_, i) => `  t${i}: {fn: noop, args: [${i === 0 ? 0 : `!ref t${i - 1}`}]}`)
  tasks[1500] = '  t1500: {fn: noop, args: [!ref t9999], timeout: soon}'
  writeFileSync(file, `version: 1\nmodule: ./noop.mjs\ntasks:\n${tasks.join('\n')}\n`)
  t.not(readYamlFast(`version: 1\ntasks:\n${tasks.join('\n')}\n`), undefined)
  const r = compileGraphFile(file)
  if (r.ok) return t.fail()
  t.deepEqual(r.problems.map(formatProblem), [
    `${file}:1504:28: unknown task "t9999" (did you mean "t999"?)`,
    `${file}:1504:50: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)`,
  ])
  t.deepEqual(outcome(r), outcome(compileGraphFile(file, {positioned: true})))
})
