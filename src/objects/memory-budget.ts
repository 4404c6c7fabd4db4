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
