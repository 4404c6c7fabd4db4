// How `rayts status` and `rayts summary` print a run of any size: what was listed, what was
// cut (always stated), and a task's numbers.
import type {RunRecord} from '../store/query/runs.js'
import type {InstancePage, TaskSummary} from '../store/query/inspect.js'
import {UsageError} from '../core/usage-error.js'
import {INSTANCE_STATES} from '../store/query/inspect.js'
import {durationCell, table} from './print.js'

/** `12,345` */
const count = (n: number): string => n.toLocaleString('en-US')

/** the one place these commands print a duration in ms */
const durationText = (ms: number | null): string => durationCell(ms)

/** `--state running,failed` (and repeated flags) → the states, checked */
export function parseStates(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined
  const states = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)
  for (const s of states) {
    if (!(INSTANCE_STATES as readonly string[]).includes(s)) throw new UsageError(`unknown state "${s}" (one of: ${INSTANCE_STATES.join(', ')})`)
  }
  return states
}

/** the line that says a list was cut, or null when it was not */
export function cutLine(page: Pick<InstancePage, 'total'>, shown: number): string | null {
  return shown < page.total ? `showing ${count(shown)} of ${count(page.total)}; --limit 0 for all` : null
}

export function summaryText(run: Pick<RunRecord, 'id' | 'graph' | 'file' | 'state'>, tasks: readonly TaskSummary[]): string {
  const rows = tasks.map((t) => [
    t.task,
    count(t.total),
    stateList(t.states),
    count(t.retries),
    t.durationMs ? durationText(t.durationMs.p50) : '-',
    t.durationMs ? durationText(t.durationMs.p95) : '-',
    t.durationMs ? durationText(t.durationMs.max) : '-',
    t.error ? `${count(t.error.count)}× ${t.error.name}: ${firstLine(t.error.message)}` : '',
  ])
  const head = `run ${run.id}  ${run.graph ?? run.file ?? ''}  ${run.state}`
  if (tasks.length === 0) return `${head}\n\nno tasks yet`
  return `${head}\n\n${table(['TASK', 'INSTANCES', 'STATES', 'RETRIES', 'P50', 'P95', 'MAX', 'MOST COMMON ERROR'], rows)}`
}

const ORDER: readonly string[] = ['succeeded', 'cached', 'failed', 'skipped', 'cancelled', 'lost', 'running', 'retrying', 'ready', 'pending']

/** `9,990 succeeded, 10 failed` */
function stateList(states: Readonly<Record<string, number>>): string {
  const rank = (s: string): number => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length)
  return Object.keys(states)
    .sort((a, b) => rank(a) - rank(b))
    .map((s) => `${count(states[s]!)} ${s}`)
    .join(', ')
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? ''
  return line.length > 80 ? `${line.slice(0, 79)}…` : line
}
