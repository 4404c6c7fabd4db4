// Parsing of flag values, shared by the oclif flags (flags.ts), the fast parse of
// `rayts run`'s command line (run-argv.ts), `submit` and the bench commands: one meaning of
// each value everywhere. Each throws a UsageError for a value it refuses.
import {UsageError} from '../core/usage-error.js'
import {dict} from '../core/dict.js'
import {DURATION_FORMS, parseDuration, requireBytes} from '../format/units.js'

/** a duration in seconds */
export function durationValue(input: string): number {
  const seconds = parseDuration(input)
  if (seconds === undefined) throw new UsageError(`expected a duration (${DURATION_FORMS}), got "${input}"`)
  return seconds
}

/** a number greater than 0 (fractions allowed) */
export function positiveValue(input: string): number {
  const n = Number(input)
  if (input.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`expected a number greater than 0, got "${input}"`)
  return n
}

/** an integer greater than 0 */
export function countValue(input: string): number {
  const n = Number(input)
  if (!/^\s*\d+\s*$/.test(input) || !(n > 0)) throw new UsageError(`expected a whole number greater than 0, got "${input}"`)
  return n
}

/** `--resources`' value as given, once parseResources accepts it */
export function resourcesValue(input: string): string {
  parseResources(input)
  return input
}

/** `--object-store-memory`: bytes, with an optional unit (format/units.ts) */
export const storeMemoryValue = (input: string): number => requireBytes('--object-store-memory', input)

/** `gpu=1,mem=4` → {gpu: 1, mem: 4} */
export function parseResources(text: string | undefined): Record<string, number> {
  const out = dict<number>()
  if (!text) return out
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    const [, name, amount] = m ?? []
    if (name === undefined || amount === undefined) throw new UsageError(`--resources: expected name=N[,name=N...], got "${part}"`)
    out[name] = Number(amount)
  }
  return out
}

export function parsePositive(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!(value > 0)) throw new UsageError(`--${flag} must be greater than 0, got ${value}`)
  return value
}
