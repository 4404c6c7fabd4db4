// The API's camelCase options, checked and turned into the graph model's TaskOptions (the
// same defaults as a graph file: 3 retries after a crash or timeout, 1 CPU, no timeout).
import type {TaskOptions as ModelOptions} from '../graph/model.js'
import {DEFAULT_OPTIONS, retryExceptions} from '../graph/compile/options.js'
import {RaytsError} from './errors.js'
import type {FunctionOptions} from './types.js'
import {dict} from '../core/dict.js'

const KNOWN = new Set(['numCpus', 'resources', 'maxRetries', 'retryExceptions', 'retryDelay', 'backoff', 'timeout', 'env', 'cwd', 'maxCalls', 'numReturns', 'output', 'stdin', 'cache'])

export function checkOptionNames(options: object, where: string): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new RaytsError(`${where}: unknown option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`)
  }
}

export function toModelOptions(o: FunctionOptions, kind: 'fn' | 'cmd', where: string): ModelOptions {
  const bad = (key: string, want: string): never => {
    throw new RaytsError(`${where}: option ${key} must be ${want}, not ${describe((o as Record<string, unknown>)[key])}`)
  }
  const num = (key: keyof FunctionOptions, min: number, integer: boolean, fallback: number): number => {
    const v = o[key]
    if (v === undefined) return fallback
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) bad(key, `${integer ? 'an integer' : 'a number'} ≥ ${min}`)
    return v as number
  }
  const resources = dict<number>()
  if (o.resources !== undefined) {
    if (typeof o.resources !== 'object' || o.resources === null || Array.isArray(o.resources)) bad('resources', 'an object of amounts')
    for (const [name, amount] of Object.entries(o.resources)) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) bad('resources', `an object of amounts ≥ 0 (${name})`)
      resources[name] = amount
    }
  }
  const re = o.retryExceptions
  if (re !== undefined && typeof re !== 'boolean' && !(Array.isArray(re) && re.every((x) => typeof x === 'string'))) bad('retryExceptions', "true, false or a list of error names and 'exit:N' codes")
  const timeout = o.timeout
  if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))) bad('timeout', 'a number of seconds > 0, or null')
  const maxRetries = num('maxRetries', -1, true, DEFAULT_OPTIONS.maxRetries)
  if (kind === 'cmd' && (o.maxCalls !== undefined || o.numReturns !== undefined)) throw new RaytsError(`${where}: maxCalls and numReturns are options of functions, not commands`)
  return Object.freeze({
    maxRetries,
    retryExceptions: re === undefined ? DEFAULT_OPTIONS.retryExceptions : retryExceptions(re === true ? true : re === false ? false : [...re]),
    retryDelay: num('retryDelay', 0, false, DEFAULT_OPTIONS.retryDelay),
    backoff: num('backoff', 0, false, DEFAULT_OPTIONS.backoff),
    timeout: timeout ?? null,
    maxCalls: num('maxCalls', 0, true, 0),
    numCpus: num('numCpus', 0, false, DEFAULT_OPTIONS.numCpus),
    resources: Object.freeze(resources),
    numReturns: num('numReturns', 1, true, 1),
    cache: o.cache === undefined ? false : o.cache === true ? true : o.cache === false ? false : bad('cache', 'true or false'),
  })
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (v === null || typeof v !== 'object') return String(v)
  return Array.isArray(v) ? 'an array' : 'an object'
}
