// The object store's memory budget (like Ray's object store memory): how many bytes of a
// run's objects tmpfs may hold before new ones spill to disk.
import {statfsSync} from 'node:fs'
import {totalmem} from 'node:os'

/** Ray's default is 30% of the machine's memory; tmpfs may be smaller: at most half of it. */
export function defaultBudget(hotRoot: string | null): number {
  const ram = Math.floor(totalmem() * 0.3)
  if (hotRoot === null) return ram
  try {
    const fs = statfsSync(hotRoot)
    return Math.min(ram, Math.floor((fs.blocks * fs.bsize) / 2))
  } catch {
    return ram
  }
}

const UNITS: Record<string, number> = {'': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3}

/** `2G`, `512MiB`, `100000`: bytes; undefined when it is not a size */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  if (!m) return undefined
  const unit = UNITS[m[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  const n = Math.floor(Number(m[1]) * unit)
  return Number.isFinite(n) ? n : undefined
}
