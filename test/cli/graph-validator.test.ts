// The standalone validator written at build time (src/build/graph-validator.ts) gives the
// same answer and the same errors as the schema compiled by ajv at run time, on the good
// and bad graphs of test/fixtures and on hand-made wrong ones; a stale one is never used.
import test from 'ava'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parse} from 'yaml'
import type {ValidateFunction} from 'ajv'
import {graphValidatorSource, GENERATED_VALIDATOR_FILE} from '../../src/build/graph-validator.js'
import {createSchemaAjv, schemaPath} from '../../src/graph/validate/schema.js'
import {loadGeneratedValidator, schemaHash} from '../../src/graph/validate/standalone-validator.js'
import {ROOT} from './helpers.js'

const schemaText = readFileSync(schemaPath(), 'utf8')

/** evaluate generated CommonJS source as a module of this folder (its requires of ajv/dist/runtime resolve) */
function loadSource(source: string): ValidateFunction & {schemaHash?: string} {
  const module = {exports: {} as unknown}
  const require = createRequire(import.meta.url)
  new Function('module', 'exports', 'require', source)(module, module.exports, require)
  return module.exports as ValidateFunction & {schemaHash?: string}
}

/** every YAML graph under test/fixtures as plain data (tags read as their text, as the compiler's JSON view does) */
function corpus(): {name: string; data: unknown}[] {
  const out: {name: string; data: unknown}[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.ya?ml$/.test(e.name)) {
        try {
          out.push({name: p.slice(ROOT.length), data: parse(readFileSync(p, 'utf8'), {logLevel: 'silent'}) as unknown})
        } catch {
          // not YAML at all: the compiler reports it before the schema is asked
        }
      }
    }
  }
  walk(join(ROOT, 'test/fixtures'))
  return out
}

const HAND_MADE: unknown[] = [
  null,
  [],
  'text',
  {},
  {version: 2, tasks: {}},
  {version: 1, tasks: {a: {fn: 'f', bogus: 1}}, extra: true},
  {version: 1, tasks: {'1bad': {cmd: 'true'}}},
  {version: 1, tasks: {a: {cmd: ['true'], fn: 'f', num_cpus: -1, max_retries: 'x', timeout: {}}}},
  {version: 1, tasks: {a: {cmd: 'true', foreach: {range: 'x'}, after: ['b c']}}, outputs: ['not a task!']},
  {version: 1, defaults: {num_cpus: 'two', resources: {gpu: -1}}, functions: {'bad name': {}}, tasks: {a: {fn: 'f', args: 1}}},
]

test('the generated validator gives the runtime-compiled validator\'s answer and errors on every graph', (t) => {
  const compiled = createSchemaAjv().compile(JSON.parse(schemaText) as object)
  const generated = loadSource(graphValidatorSource(schemaText))
  const cases = [...corpus(), ...HAND_MADE.map((data, i) => ({name: `hand-made ${i}`, data}))]
  t.true(cases.length > 60, `${cases.length} graphs`)
  let invalid = 0
  for (const {name, data} of cases) {
    const ok = compiled(data)
    t.is(generated(data), ok, name)
    t.deepEqual(generated.errors ?? null, compiled.errors ?? null, name)
    if (!ok) invalid++
  }
  t.true(invalid > 10, `${invalid} invalid graphs compared`)
})

test('a generated validator is used only when made from the schema in use', (t) => {
  t.is(loadGeneratedValidator(import.meta.url, schemaText), undefined, 'none beside this test')
  const dir = mkdtempSync(join(tmpdir(), 'rayts-validator-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  /** a generated file made from `text`, beside a schema.js of its own folder */
  const madeFrom = (name: string, text: string): string => {
    mkdirSync(join(dir, name))
    writeFileSync(join(dir, name, GENERATED_VALIDATOR_FILE), `module.exports = () => true\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(text))}\n`)
    return pathToFileURL(join(dir, name, 'schema.js')).href
  }
  t.is(loadGeneratedValidator(madeFrom('stale', schemaText + ' '), schemaText), undefined, 'stale: made from another schema')
  t.truthy(loadGeneratedValidator(madeFrom('current', schemaText), schemaText), 'current')
  const source = graphValidatorSource(schemaText)
  t.is(loadSource(source).schemaHash, schemaHash(schemaText))
  t.not(schemaHash(schemaText.replace('"version"', '"versions"')), schemaHash(schemaText))
})

test('the build wrote the validator of the current schema beside dist/src/graph/validate/schema.js', (t) => {
  const file = join(ROOT, 'dist/src/graph/validate', GENERATED_VALIDATOR_FILE)
  if (!existsSync(join(ROOT, 'dist/src/graph/validate/schema.js'))) return t.pass('not built')
  t.true(existsSync(file), 'npm run build writes it')
  t.is(readFileSync(file, 'utf8'), graphValidatorSource(schemaText), `${file} is stale: npm run build`)
  t.truthy(loadGeneratedValidator(pathToFileURL(join(ROOT, 'dist/src/graph/validate/schema.js')).href, schemaText))
})
