// The store's size budget, checked when `run` and `submit` end: a warning on stderr
// when it was exceeded, naming the runs removed to make room.
import {BUDGET_ENV, enforceBudget, readBudget, type BudgetReport} from '../store/upkeep/home-budget.js'
import {formatBytes} from '../format/units.js'
import {openStore} from '../store/db.js'

export function checkBudget(stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): void {
  const budget = readBudget(env)
  try {
    const store = openStore()
    try {
      const report = enforceBudget(store, budget)
      if (report) stderr.write(`Warning: ${budgetMessage(store.home, report)}\n`)
    } finally {
      store.close()
    }
  } catch (error) {
    stderr.write(`Warning: could not check the size of the run store: ${(error as Error).message}\n`)
  }
}

function budgetMessage(home: string, r: BudgetReport): string {
  const head = `the run store ${home} held ${formatBytes(r.beforeBytes)}, over its budget of ${formatBytes(r.budgetBytes)} (${BUDGET_ENV})`
  const ids = r.removed.map((x) => x.id)
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ')
  const entries = r.removedEntries?.length ?? 0
  const entriesText = entries === 0 ? '' : `${entries} result-cache ${entries === 1 ? 'entry' : 'entries'} used longest ago`
  let removed = ids.length === 0 ? (entries === 0 ? 'no finished run could be removed' : `removed ${entriesText}`) : `removed the ${ids.length === 1 ? 'oldest finished run' : `${ids.length} oldest finished runs`} (${shown})`
  if (ids.length > 0 && entries > 0) removed += ` and ${entriesText}`
  const after =
    r.afterBytes > r.budgetBytes
      ? `it still holds ${formatBytes(r.afterBytes)}: remove runs (rayts rm, rayts prune) or raise ${BUDGET_ENV}`
      : `it holds ${formatBytes(r.afterBytes)} now`
  return `${head}: ${removed}; ${after}.`
}
