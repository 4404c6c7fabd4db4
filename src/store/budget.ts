// The size budget of $RAYTS_HOME: past it, what was used longest ago goes first, a finished
// run (by when it ended) or a result-cache entry (by when it was last stored or reused),
// until the store fits again. The newest finished run and active runs are always kept.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {DB_FILE, type Store} from './db.js'
import {pruneCandidates, reclaimSpace, removeRun, treeBytes, type RemovedRun} from './remove.js'
import {entriesByLastUse, removeEntries} from './result-cache.js'

export const BUDGET_ENV = 'RAYTS_HOME_BUDGET'
export const DEFAULT_BUDGET_BYTES = 1024 ** 3

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
}

export interface Budget {
  /** null: no budget (`off`) */
  readonly bytes: number | null
  /** why the setting was not used, when it was not */
  readonly problem?: string
}

/** `$RAYTS_HOME_BUDGET`: a size (`500MiB`, `2G`, `1.5GB`, bytes), or `off`; default 1 GiB. */
export function readBudget(env: NodeJS.ProcessEnv = process.env): Budget {
  const text = env[BUDGET_ENV]?.trim()
  if (text === undefined || text === '') return {bytes: DEFAULT_BUDGET_BYTES}
  if (/^(off|none|unlimited)$/i.test(text)) return {bytes: null}
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text)
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined
  if (!m || unit === undefined) {
    return {bytes: DEFAULT_BUDGET_BYTES, problem: `${BUDGET_ENV}=${text} is not a size (like 500MiB, 2G or off); using ${formatBytes(DEFAULT_BUDGET_BYTES)}`}
  }
  return {bytes: Math.floor(Number(m[1]) * unit)}
}

/**
 * Bytes the store holds: every file under its home, with the database counted by the
 * pages in use (freed pages are reused, and handed back by reclaimSpace).
 */
export function storeBytes(store: Store): number {
  let total = 0
  for (const name of readdirSync(store.home)) total += name === DB_FILE ? dbBytesInUse(store) : treeBytes(join(store.home, name))
  return total
}

function dbBytesInUse(store: Store): number {
  const pages = Number(store.db.pragma('page_count', {simple: true})) - Number(store.db.pragma('freelist_count', {simple: true}))
  return pages * Number(store.db.pragma('page_size', {simple: true}))
}

export interface BudgetReport {
  readonly budgetBytes: number
  readonly beforeBytes: number
  readonly afterBytes: number
  readonly removed: readonly RemovedRun[]
  /** result-cache entries removed (keys) */
  readonly removedEntries?: readonly string[]
}

/** Null when the store fits its budget; else what was removed to make it fit (or all it could). */
export function enforceBudget(store: Store, budget: Budget = readBudget()): BudgetReport | null {
  if (budget.bytes === null) return null
  const beforeBytes = storeBytes(store)
  if (beforeBytes <= budget.bytes) return null
  // oldest first, never the newest finished run; cache entries by their last use
  const candidates = pruneCandidates(store, {keep: 1})
  const entries = entriesByLastUse(store)
  const removed: RemovedRun[] = []
  const removedEntries: string[] = []
  let size = beforeBytes
  let r = 0
  let e = 0
  while (size > budget.bytes && (r < candidates.length || e < entries.length)) {
    const run = candidates[r]
    const entry = entries[e]
    const dbBefore = dbBytesInUse(store)
    if (run && (!entry || (run.endedMs ?? run.createdMs) <= entry.at)) {
      r++
      const gone = removeRun(store, run.id)
      if (!gone) continue
      removed.push(gone)
      size -= gone.fileBytes + (dbBefore - dbBytesInUse(store))
    } else if (entry) {
      e++
      const folder = treeBytes(join(store.home, 'cache', 'results', entry.key))
      if (removeEntries(store, [entry.key]) === 0) continue
      removedEntries.push(entry.key)
      size -= folder + (dbBefore - dbBytesInUse(store))
    }
  }
  if (removed.length > 0 || removedEntries.length > 0) reclaimSpace(store)
  return {budgetBytes: budget.bytes, beforeBytes, afterBytes: storeBytes(store), removed, removedEntries}
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}
