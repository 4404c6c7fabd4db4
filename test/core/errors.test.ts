// The one error model (core/errors.ts): every code maps to a documented exit code and is
// documented for library users, every error class of src/ is a RaytsError, and
// isRaytsError sees errors of another copy of rayts, where instanceof cannot.
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {ERROR_CODES, exitCodeOf, isRaytsError, RaytsError, type ErrorCode} from '../../src/core/errors.js'
import {ExitCode} from '../../src/core/exit-codes.js'
import {UsageError} from '../../src/core/usage-error.js'
import {ObjectError, ObjectStoreFullError} from '../../src/objects/errors.js'
import {StoreError} from '../../src/store/errors.js'
import {ResolveError} from '../../src/scheduler/resolve.js'
import {RunSetupError} from '../../src/runtime/run.js'
import {GraphError, userErrorOf} from '../../src/cli/errors.js'
import {GetTimeoutError, TaskCancelledError, TaskError, WorkerCrashedError} from '../../src/api/errors.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const doc = (file: string): string => readFileSync(join(root, 'docs', file), 'utf8')

test('every code maps to an exit code that docs/limits.md lists', (t) => {
  const listed = new Set([...doc('limits.md').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])))
  t.true(listed.size >= Object.keys(ExitCode).length)
  for (const code of ERROR_CODES) {
    t.regex(code, /^RAYTS_ERR_[A-Z_]+$/)
    t.true(listed.has(exitCodeOf(code)), `${code} → ${exitCodeOf(code)}`)
  }
})

test('every code is documented for library users (docs/api.md) with its exit code', (t) => {
  const api = doc('api.md')
  for (const code of ERROR_CODES) {
    const row = new RegExp(`^\\|[^\\n]*\`${code}\`[^\\n]*\\| ${exitCodeOf(code)} \\|`, 'm')
    t.regex(api, row, code)
  }
})

test('instanceof holds both ways: a public class and the base', (t) => {
  const cases: [RaytsError, string, ErrorCode][] = [
    [new UsageError('u'), 'UsageError', 'RAYTS_ERR_USAGE'],
    [new ObjectError('o'), 'ObjectError', 'RAYTS_ERR_OBJECT'],
    [new ObjectStoreFullError('f'), 'ObjectStoreFullError', 'RAYTS_ERR_OBJECT_STORE_FULL'],
    [new StoreError('s'), 'StoreError', 'RAYTS_ERR_STORE'],
    [new ResolveError('r'), 'ResolveError', 'RAYTS_ERR_RESOLVE'],
    [new RunSetupError(['p']), 'RunSetupError', 'RAYTS_ERR_RUN_SETUP'],
    [new GraphError(['p']), 'GraphError', 'RAYTS_ERR_GRAPH'],
    [new TaskError('t_1', {kind: 'error', name: 'ValueError', message: 'm'}), 'TaskError', 'RAYTS_ERR_TASK'],
    [new WorkerCrashedError('t_1', {kind: 'crash', name: 'WorkerCrashed', message: 'm'}), 'WorkerCrashedError', 'RAYTS_ERR_WORKER_CRASHED'],
    [new TaskCancelledError('t_1'), 'TaskCancelledError', 'RAYTS_ERR_TASK_CANCELLED'],
    [new GetTimeoutError('g'), 'GetTimeoutError', 'RAYTS_ERR_GET_TIMEOUT'],
  ]
  for (const [error, name, code] of cases) {
    t.true(error instanceof RaytsError && error instanceof Error, name)
    t.true(isRaytsError(error), name)
    t.is(error.name, name)
    t.is(error.code, code)
  }
  t.true(new WorkerCrashedError('t_1', {kind: 'crash', name: 'W', message: 'm'}) instanceof TaskError)
  t.false(new UsageError('u') instanceof ObjectError)
  const base = new RaytsError('misuse')
  t.is(base.name, 'RaytsError')
  t.is(base.code, 'RAYTS_ERR_USAGE', 'a RaytsError alone is a misuse')
  const cause = new Error('inner')
  t.is(new RaytsError('outer', {code: 'RAYTS_ERR_INTERNAL', cause}).cause, cause)
})

test('isRaytsError sees an error of another copy of the module (the bundled CLI beside dist/), by its brand', async (t) => {
  const copy = (await import(new URL('../../src/core/errors.js?copy', import.meta.url).href)) as typeof import('../../src/core/errors.js')
  t.not(copy.RaytsError, RaytsError, 'a second copy of the module')
  const theirs = new copy.RaytsError('from the other copy', {code: 'RAYTS_ERR_STORE'})
  t.false(theirs instanceof RaytsError, 'instanceof sees only its own copy')
  t.true(isRaytsError(theirs))
  t.true(copy.isRaytsError(new ObjectError('ours')))
  t.deepEqual(userErrorOf(theirs), {message: 'from the other copy', lines: [], exit: ExitCode.Usage})
})

test('isRaytsError refuses what only looks like one', (t) => {
  t.false(isRaytsError(Object.assign(new Error('m'), {code: 'RAYTS_ERR_USAGE', name: 'RaytsError'})))
  for (const value of [null, undefined, 'RAYTS_ERR_USAGE', 2, {}]) t.false(isRaytsError(value))
})

test('the command line ends each error with the exit code of its code', (t) => {
  t.is(userErrorOf(new ObjectError('gone'))?.exit, ExitCode.TaskFailed)
  t.is(userErrorOf(new StoreError('damaged'))?.exit, ExitCode.Usage)
  t.is(userErrorOf(new RaytsError('late', {code: 'RAYTS_ERR_GET_TIMEOUT'}))?.exit, ExitCode.Timeout)
  t.deepEqual(userErrorOf(new GraphError(['g.yaml:1:1: bad'])), {message: '', lines: ['g.yaml:1:1: bad'], exit: ExitCode.Usage})
  t.is(userErrorOf(new TypeError('a bug')), null, 'anything else is a bug, with its stack')
})

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return /\.tsx?$/.test(e.name) ? [path] : []
  })
}

test('one class in src/ extends Error directly: the base', (t) => {
  const direct = sources(join(root, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^\s*(?:export\s+)?(?:abstract\s+)?class\s+(\w+)\s+extends\s+Error\b/gm)].map((m) => `${relative(root, file)}: ${m[1]}`),
  )
  t.deepEqual(direct, ['src/core/errors.ts: RaytsError'])
})
