// The size budget of $RAYTS_HOME: past it, what was used longest ago goes first, a finished
// run (by when it ended) or a result-cache entry (by when it was last stored or reused),
// until the store fits again. The newest finished run and active runs are always kept.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {DB_FILE, type Store} from '../db.js'
import {pruneCandidates, reclaimSpace, removeRun, treeBytes, type RemovedRun} from './remove.js'
import {GiB, requireBytes} from '../../format/units.js'
import {entriesByLastUse, removeEntries} from '../result-cache.js'
import {blobBytes, RUN_SIZES_FILE} from './run-folder-sizes.js'

export const BUDGET_ENV = 'RAYTS_HOME_BUDGET'
const DEFAULT_BUDGET_BYTES = GiB

export interface Budget {
  /** null: no budget (`off`) */
  readonly bytes: number | null
}

/**
 * `$RAYTS_HOME_BUDGET`: a size (format/units.ts: `500MiB`, `2G`, `1.5GB`, bytes), or `off`;
 * default 1 GiB. Anything else is a UsageError.
 */
export function readBudget(env: NodeJS.ProcessEnv = process.env): Budget {
  const text = env[BUDGET_ENV]
  if (text === undefined || text.trim() === '') return {bytes: DEFAULT_BUDGET_BYTES}
  if (/^\s*(off|none|unlimited)\s*$/i.test(text)) return {bytes: null}
  return {bytes: requireBytes(BUDGET_ENV, text, {or: 'off'})}
}

/**
 * Bytes the store holds: every file under its home, with the database counted by the
 * pages in use (freed pages are reused, and handed back by reclaimSpace), and the folders
 * of runs long ended by the size they were measured at (run-folder-sizes.ts, whose note of
 * those sizes is not counted).
 */
export function storeBytes(store: Store): number {
  let total = 0
  for (const name of readdirSync(store.home)) {
    if (name === RUN_SIZES_FILE) continue
    const path = join(store.home, name)
    total += name === DB_FILE ? dbBytesInUse(store) : path === store.blobDir ? blobBytes(store) : treeBytes(path)
  }
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
