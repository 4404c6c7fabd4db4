import {isAbsolute, resolve} from 'node:path'
import type {RetryExceptions, TaskOptions} from '../model.js'
import {parseDuration} from '../../format/units.js'
import {OPTION_KEYS} from '../read/set.js'
import {dict} from '../../core/dict.js'

export const DEFAULT_OPTIONS: TaskOptions = Object.freeze({
  maxRetries: 3,
  retryExceptions: false,
  retryDelay: 0,
  backoff: 1,
  timeout: null,
  maxCalls: 0,
  numCpus: 1,
  resources: Object.freeze({}),
  numReturns: 1,
  cache: false,
})

type Obj = Readonly<Record<string, unknown>>

/** One layer of options (defaults, functions.NAME, the task), as written in the file. */
export interface OptionLayer {
  readonly data: Obj
  readonly path: readonly (string | number)[]
}

/** The option keys that resolveOptions reads: a layer that sets none of them changes nothing. */
const RESOLVED_KEYS = OPTION_KEYS.filter((k) => k !== 'env' && k !== 'cwd')

/** Whether this layer sets any option that resolveOptions reads. */
export function setsOptions(layer: OptionLayer): boolean {
  return RESOLVED_KEYS.some((k) => Object.hasOwn(layer.data, k))
}

/** The last layer that sets `key`, and its value. */
export function lastSet(layers: readonly OptionLayer[], key: string): {value: unknown; layer: OptionLayer} | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!
    if (Object.hasOwn(layer.data, key)) return {value: layer.data[key], layer}
  }
  return undefined
}

/** Options after layering; values the schema rejected fall back to the default (already reported). */
export function resolveOptions(layers: readonly OptionLayer[], kind: 'fn' | 'cmd'): TaskOptions {
  const get = (key: string) => lastSet(layers, key)?.value
  const int = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) ? v : d)
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d)
  const timeoutRaw = get('timeout')
  const resources = dict<number>()
  for (const layer of layers) {
    const r = layer.data.resources
    if (r && typeof r === 'object' && !Array.isArray(r)) {
      for (const [k, v] of Object.entries(r)) if (typeof v === 'number') resources[k] = v
    }
  }
  return Object.freeze({
    maxRetries: int(get('max_retries'), DEFAULT_OPTIONS.maxRetries),
    retryExceptions: retryExceptions(get('retry_exceptions')),
    retryDelay: parseDuration(get('retry_delay')) ?? DEFAULT_OPTIONS.retryDelay,
    backoff: num(get('backoff'), DEFAULT_OPTIONS.backoff),
    timeout: timeoutRaw === undefined || timeoutRaw === null ? null : (parseDuration(timeoutRaw) ?? null),
    maxCalls: kind === 'fn' ? int(get('max_calls'), 0) : 0,
    numCpus: num(get('num_cpus'), DEFAULT_OPTIONS.numCpus),
    resources: Object.freeze(resources),
    numReturns: kind === 'fn' ? int(get('num_returns'), 1) : 1,
    cache: get('cache') === true,
  })
}

export function retryExceptions(v: unknown): RetryExceptions {
  if (v === true) return true
  if (!Array.isArray(v) || v.length === 0) return false
  const names: string[] = []
  const exitCodes: number[] = []
  for (const item of v) {
    if (typeof item !== 'string') continue
    const m = /^exit:(\d+)$/.exec(item)
    if (m) exitCodes.push(Number(m[1]))
    else names.push(item)
  }
  return Object.freeze({names: Object.freeze(names), exitCodes: Object.freeze(exitCodes)})
}

/** The working directory: `cwd` of the last layer, relative to the graph's folder. */
export function resolveCwd(layers: readonly OptionLayer[], dir: string): string {
  const cwd = lastSet(layers, 'cwd')?.value
  if (typeof cwd !== 'string') return dir
  return isAbsolute(cwd) ? cwd : resolve(dir, cwd)
}

/** env of every layer, merged (later layers win per variable), with each value's data path. */
export function mergedEnv(layers: readonly OptionLayer[]): Map<string, {value: unknown; path: (string | number)[]}> {
  const env = new Map<string, {value: unknown; path: (string | number)[]}>()
  for (const layer of layers) {
    const e = layer.data.env
    if (e && typeof e === 'object' && !Array.isArray(e)) {
      for (const [k, v] of Object.entries(e)) env.set(k, {value: v, path: [...layer.path, 'env', k]})
    }
  }
  return env
}
