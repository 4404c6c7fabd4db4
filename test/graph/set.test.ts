import test from 'ava'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'

const file = 'graphs/options.yaml'

function options(set: string[]) {
  const r = compileGraphFile(file, {set})
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'))
  return (id: string) => r.graph.taskById.get(id)!.options
}

function problems(set: string[]): string[] {
  const r = compileGraphFile(file, {set})
  return r.ok ? [] : r.problems.map(formatProblem)
}

test('--set writes into the layer its path names, and later layers still win', (t) => {
  const o = options(['defaults.max_retries=5', 'functions.where_am_i.max_calls=3', 'tasks.third.timeout=2.5s'])
  t.is(o('numbers').maxRetries, 5) // defaults, not overridden below
  t.is(o('first').maxRetries, 2) // functions.where_am_i still beats defaults
  t.is(o('first').maxCalls, 3)
  t.is(o('third').timeout, 2.5)
  t.is(o('second').maxRetries, 0) // the task's own value beats the function's
})

test('--set takes YAML scalars and flow values, in order', (t) => {
  const o = options(['tasks.first.resources={gpu: 2}', 'tasks.first.retry_exceptions=[ValueError, "exit:4"]', 'tasks.first.timeout=null', 'tasks.first.max_retries=1', 'tasks.first.max_retries=-1'])
  t.deepEqual(o('first').resources, {gpu: 2})
  t.deepEqual(o('first').retryExceptions, {names: ['ValueError'], exitCodes: [4]})
  t.is(o('first').timeout, null)
  t.is(o('first').maxRetries, -1)
  t.deepEqual(options(['defaults.resources.gpu=1'])('odds').resources, {gpu: 1})
})

test('unknown --set paths are errors naming the path', (t) => {
  t.deepEqual(problems(['tasks.thrid.timeout=5s']), [`${file}: --set tasks.thrid.timeout=5s: unknown path "tasks.thrid.timeout": no task "thrid" (did you mean "third"?)`])
  t.deepEqual(problems(['defaults.max_retry=1']), [`${file}: --set defaults.max_retry=1: unknown path "defaults.max_retry": unknown option "max_retry" (did you mean "max_retries"?)`])
  t.deepEqual(problems(['functions.nope.max_calls=1']), [`${file}: --set functions.nope.max_calls=1: unknown path "functions.nope.max_calls": no function "nope"`])
  t.deepEqual(problems(['version=2']), [`${file}: --set version=2: unknown path "version": it must start with defaults., functions.NAME. or tasks.ID.`])
  t.deepEqual(problems(['defaults.max_retries']), [`${file}: --set defaults.max_retries: expected PATH=VALUE, like defaults.max_retries=0`])
})

test('--set values are validated like the file, and reported against the flag', (t) => {
  t.deepEqual(problems(['tasks.third.timeout=soon']), [
    `${file}: --set tasks.third.timeout=soon: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)`,
  ])
  t.deepEqual(problems(['defaults.max_retries=-3']), [`${file}: --set defaults.max_retries=-3: max_retries must be >= -1`])
  t.deepEqual(problems(['tasks.evens.num_returns=[1']).length, 1)
})

test('a --set num_returns decides what ID.k means', (t) => {
  t.deepEqual(problems(['functions.split.num_returns=1']), []) // numbers.1 is now a path into the result
  const r = compileGraphFile(file, {set: ['functions.split.num_returns=3']})
  t.true(r.ok)
  if (r.ok) t.is(r.graph.taskById.get('numbers')!.options.numReturns, 3)
})

test('an alias in a --set value is a --set problem, not an internal error', (t) => {
  t.deepEqual(problems(['defaults.env={a: &x 1, b: *x}']), [`${file}: --set defaults.env={a: &x 1, b: *x}: VALUE may hold no alias (*name): write the value out`])
  // an anchor alone is harmless
  t.deepEqual(options(['defaults.resources={gpu: &g 1}'])('odds').resources, {gpu: 1})
})

test('--set errors cut the flag they echo to 60 characters, with its length', (t) => {
  const big = 'x'.repeat(120_000)
  const cut = (s: string) => `${s.slice(0, 60)}… (${s.length} chars)`
  const cases: [string, string][] = [
    [`defaults.timeout=${big}`, `--set ${cut(`defaults.timeout=${big}`)}: timeout must be a duration`],
    [`defaults.env={a: ${big}`, `--set ${cut(`defaults.env={a: ${big}`)}: VALUE is not a YAML value`],
    [`tasks.${big}.timeout=1`, `--set ${cut(`tasks.${big}.timeout=1`)}: unknown path "${cut(`tasks.${big}.timeout`)}": no task "${cut(big)}"`],
    [big, `--set ${cut(big)}: expected PATH=VALUE`],
  ]
  for (const [flag, start] of cases) {
    const p = problems([flag])
    t.is(p.length, 1)
    t.true(p[0]!.startsWith(`${file}: ${start}`), p[0]!.slice(0, 300))
    t.true(p[0]!.length < 400, `${p[0]!.length} characters`)
  }
  // short flags are shown whole
  t.deepEqual(problems(['defaults.timeout=soon']), [`${file}: --set defaults.timeout=soon: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)`])
})
