import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import type AjvModule from 'ajv'
import type {ErrorObject, Options as AjvOptions, ValidateFunction} from 'ajv'
import type {PathPart} from '../model.js'
import {loadGeneratedValidator} from './standalone-validator.js'
import {didYouMean} from './suggest.js'

/** `schema/graph.schema.json`, from the source tree or from `dist/`. */
export function schemaPath(): string {
  for (const rel of ['../../../schema/graph.schema.json', '../../../../schema/graph.schema.json']) {
    const p = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(p)) return p
  }
  throw new Error('schema/graph.schema.json is missing from the installation')
}

let validator: ValidateFunction | undefined

/** the ajv that compiles the schema, here and for the code generated at build time */
export function createSchemaAjv(extra: AjvOptions = {}): InstanceType<typeof AjvModule.default> {
  // required only when compiling: the generated validator does without ajv's ~0.2 MB
  const Ajv = (createRequire(import.meta.url)('ajv') as typeof AjvModule).default
  const ajv = new Ajv({allErrors: true, verbose: true, strict: true, ...extra})
  // an annotation (editors show it too); the messages below read it
  ajv.addKeyword({keyword: 'errorMessage', schemaType: 'string'})
  return ajv
}

function getValidator(): ValidateFunction {
  if (validator === undefined) {
    const text = readFileSync(schemaPath(), 'utf8')
    validator = loadGeneratedValidator(import.meta.url, text) ?? createSchemaAjv().compile(JSON.parse(text) as object)
  }
  return validator as ValidateFunction
}

export interface SchemaIssue {
  /** data path of the offending node */
  readonly path: PathPart[]
  /** point at the key rather than the value */
  readonly atKey: boolean
  readonly message: string
}

/** Validate the JSON view of a graph; one issue per offending node, in readable words. */
export function checkSchema(json: unknown): SchemaIssue[] {
  const validate = getValidator()
  if (validate(json)) return []
  const errors = validate.errors ?? []
  // an anyOf with its own message stands for all its branches' errors; a $ref'd anyOf
  // inside another reports at the same node, and the outer one (reported last) speaks
  const summarized = errors.filter((e) => e.keyword === 'anyOf' && typeof e.parentSchema?.errorMessage === 'string')
  const inSummary = (e: ErrorObject) =>
    e.keyword !== 'anyOf' &&
    summarized.some((s) => e.schemaPath.startsWith(s.schemaPath + '/') && e.instancePath.startsWith(s.instancePath))
  const hidden = (e: ErrorObject) =>
    e.keyword === 'anyOf' && (!summarized.includes(e) || summarized.some((s, i) => i > summarized.indexOf(e) && s.instancePath === e.instancePath))
  const issues: SchemaIssue[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    if (inSummary(e) || hidden(e)) continue
    if (e.keyword === 'if') continue
    if (e.keyword === 'pattern' && e.schemaPath.includes('/propertyNames/')) continue
    const issue = toIssue(e)
    const key = `${issue.path.join('\u0000')}|${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues
}

function pointerToPath(pointer: string): PathPart[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/** `timeout`, `args[2]`, `the graph`: how a message names a node. */
function label(path: readonly PathPart[]): string {
  if (path.length === 0) return 'the graph'
  let i = path.length - 1
  let suffix = ''
  while (i >= 0 && typeof path[i] === 'number') {
    suffix = `[${path[i]}]` + suffix
    i--
  }
  return i >= 0 ? `${String(path[i])}${suffix}` : suffix
}

function toIssue(e: ErrorObject): SchemaIssue {
  const path = pointerToPath(e.instancePath)
  const own = e.parentSchema?.errorMessage
  const name = label(path)
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {})
      const where = path.length === 0 ? 'at the top level' : path[0] === 'tasks' && path.length === 2 ? `in task ${String(path[1])}` : `in ${name}`
      return {path: [...path, key], atKey: true, message: `unknown key "${key}" ${where}${didYouMean(key, allowed)}`}
    }
    case 'propertyNames': {
      const key = String(params.propertyName)
      const what = path[0] === 'tasks' ? 'task id' : 'function name'
      return {path: [...path, key], atKey: true, message: `bad ${what} "${key}": use letters, digits, _ and -, not starting with a digit or -`}
    }
    case 'required':
      return {path, atKey: false, message: `missing required key "${String(params.missingProperty)}"${path.length ? ` in ${name}` : ''}`}
    case 'type':
      return {path, atKey: false, message: `${name} must be ${article(String(params.type))}`}
    case 'minProperties':
    case 'const':
    case 'enum':
    case 'anyOf':
      if (typeof own === 'string') return {path, atKey: false, message: `${name} ${own}`}
      break
    case 'minimum':
      return {path, atKey: false, message: `${name} must be >= ${String(params.limit)}`}
    case 'minItems':
      return {path, atKey: false, message: `${name} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`}
    case 'maxItems':
      return {path, atKey: false, message: `${name} must have at most ${String(params.limit)} items`}
    case 'pattern':
      if (e.schemaPath.includes('/outputs/') || e.schemaPath.includes('/after/')) {
        return {path, atKey: false, message: `${name} must be a task id`}
      }
      break
  }
  if (typeof own === 'string') return {path, atKey: false, message: `${name} ${own}`}
  return {path, atKey: false, message: `${name} ${e.message ?? 'is invalid'}`}
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  }
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ')
}
