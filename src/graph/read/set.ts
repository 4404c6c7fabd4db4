import {parseDocument, visit} from 'yaml'
import type {PathPart} from '../model.js'
import {didYouMean} from '../validate/suggest.js'

export const OPTION_KEYS = [
  'max_retries',
  'retry_exceptions',
  'retry_delay',
  'backoff',
  'timeout',
  'max_calls',
  'num_cpus',
  'resources',
  'num_returns',
  'cache',
  'env',
  'cwd',
] as const

export interface SetOverride {
  /** the flag as given, cut for messages (see echoed) */
  readonly flag: string
  readonly path: PathPart[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

function put(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
}

/** Longest text of a flag (or of a message quoting it) echoed back in a message. */
const ECHO_LIMIT = 60

/** A flag as messages show it: cut to ECHO_LIMIT characters, with an ellipsis and its length. */
function echoed(text: string): string {
  const chars = [...text]
  return chars.length <= ECHO_LIMIT ? text : `${chars.slice(0, ECHO_LIMIT).join('')}… (${chars.length} chars)`
}

/**
 * Apply `--set PATH=VALUE` flags to the graph's data, in the layer PATH names:
 * `defaults.OPT`, `functions.NAME.OPT`, `tasks.ID.OPT` (and `…resources.NAME`, `…env.NAME`).
 * VALUE is a YAML scalar or flow value. Returns what was set, and messages for bad flags.
 */
export function applySets(root: unknown, sets: readonly string[]): {applied: SetOverride[]; errors: string[]} {
  const applied: SetOverride[] = []
  const errors: string[] = []
  if (!isObj(root)) return {applied, errors}
  for (const given of sets) {
    const flag = echoed(given)
    const eq = given.indexOf('=')
    if (eq <= 0) {
      errors.push(`--set ${flag}: expected PATH=VALUE, like defaults.max_retries=0`)
      continue
    }
    const pathText = given.slice(0, eq).trim()
    const doc = parseDocument(given.slice(eq + 1))
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      errors.push(`--set ${flag}: VALUE is not a YAML value (${echoed((doc.errors[0] ?? doc.warnings[0])!.message.split('\n')[0]!)})`)
      continue
    }
    let alias = false
    visit(doc, {Alias: () => void (alias = true)})
    if (alias) {
      errors.push(`--set ${flag}: VALUE may hold no alias (*name): write the value out`)
      continue
    }
    const value: unknown = doc.toJS({maxAliasCount: 0})
    const target = resolveTarget(root, pathText.split('.'))
    if (typeof target === 'string') {
      errors.push(`--set ${flag}: ${target}`)
      continue
    }
    put(target.obj, target.key, value)
    applied.push({flag, path: target.path})
  }
  return {applied, errors}
}

function resolveTarget(root: Obj, parts: string[]): {obj: Obj; key: string; path: PathPart[]} | string {
  const [layer, ...rest] = parts
  const shown = echoed(parts.join('.'))
  let holder: Obj
  let prefix: PathPart[]
  let optParts: string[]
  if (layer === 'defaults') {
    if (!isObj(root.defaults)) put(root, 'defaults', {})
    holder = root.defaults as Obj
    prefix = ['defaults']
    optParts = rest
  } else if (layer === 'tasks' || layer === 'functions') {
    const name = rest[0]
    const table = root[layer]
    const names = isObj(table) ? Object.keys(table) : []
    if (name === undefined || name === '') return `unknown path "${shown}": name a ${layer === 'tasks' ? 'task' : 'function'} (${layer}.NAME.OPTION)`
    if (!isObj(table) || !isObj(table[name])) {
      return `unknown path "${shown}": no ${layer === 'tasks' ? 'task' : 'function'} "${echoed(name)}"${didYouMean(name, names)}`
    }
    holder = table[name] as Obj
    prefix = [layer, name]
    optParts = rest.slice(1)
  } else {
    return `unknown path "${shown}": it must start with defaults., functions.NAME. or tasks.ID.`
  }
  const [opt, sub, ...extra] = optParts
  if (opt === undefined || !(OPTION_KEYS as readonly string[]).includes(opt)) {
    return `unknown path "${shown}": ${opt === undefined ? 'name an option' : `unknown option "${echoed(opt)}"${didYouMean(opt, OPTION_KEYS)}`}`
  }
  if (sub === undefined) return {obj: holder, key: opt, path: [...prefix, opt]}
  if ((opt !== 'env' && opt !== 'resources') || extra.length > 0 || sub === '') {
    return `unknown path "${shown}": only env.NAME and resources.NAME go deeper than an option`
  }
  if (!isObj(holder[opt])) put(holder, opt, {})
  return {obj: holder[opt] as Obj, key: sub, path: [...prefix, opt, sub]}
}
