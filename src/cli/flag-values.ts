// Parsing of run flag values shared by `run`, `submit` and the bench commands.
import {UsageError} from '../core/usage-error.js'
import {dict} from '../core/dict.js'

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
