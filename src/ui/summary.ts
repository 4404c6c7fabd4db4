// The end-of-run summary: data (for JSON) and text lines (for the plain reporter and Ink).
import type {ChalkInstance} from 'chalk'
import type {Json} from '../format/json.js'
import type {RunModel, SlowTask} from './run-model.js'
import {formatSeconds} from '../format/units.js'

export interface SummaryData {
  readonly runId: string
  readonly graph: string
  /** `running` when the reporter closed before run-end */
  readonly state: string
  readonly elapsed: number
  readonly total: number
  readonly counts: RunModel['counts']
  readonly retries: number
  readonly tasksPerSecond: number
  readonly slowest: readonly SlowTask[]
}

export function summaryData(m: RunModel, nowMicros: number): SummaryData {
  const end = m.endState ? m.endT : nowMicros
  const elapsed = m.elapsed(end) / 1e6
  return {
    runId: m.runId,
    graph: m.graph,
    state: m.endState ?? 'running',
    elapsed,
    total: m.total,
    counts: {...m.counts},
    retries: m.retries,
    tasksPerSecond: elapsed > 0 ? m.ran / elapsed : 0,
    slowest: [...m.slowest],
  }
}

export function summaryJson(s: SummaryData): Json {
  return {
    type: 'summary',
    runId: s.runId,
    graph: s.graph,
    state: s.state,
    elapsed: Math.round(s.elapsed * 1000) / 1000,
    total: s.total,
    counts: {...s.counts},
    retries: s.retries,
    tasksPerSecond: Math.round(s.tasksPerSecond * 10) / 10,
    slowest: s.slowest.map((t) => ({instance: t.name, elapsed: Math.round(t.micros / 1000) / 1000})),
  }
}

/** `run 0193… succeeded: 3 succeeded, 1 failed, 2 skipped in 4.012 s (12.3 tasks/s, 1 retry)` */
export function summaryLine(s: SummaryData): string {
  const c = s.counts
  const parts = [`${c.succeeded} succeeded`]
  if (c.cached) parts.push(`${c.cached} cached`)
  if (c.failed) parts.push(`${c.failed} failed`)
  if (c.skipped) parts.push(`${c.skipped} skipped`)
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`)
  const left = c.pending + c.running + c.retrying
  if (left) parts.push(`${left} unfinished`)
  const extra: string[] = []
  // a run whose every finished task came from the cache ran none: "0.0 tasks/s" would say it was slow
  if (s.tasksPerSecond > 0 || !c.cached) extra.push(`${rate(s.tasksPerSecond)} tasks/s`)
  if (s.retries) extra.push(`${s.retries} ${s.retries === 1 ? 'retry' : 'retries'}`)
  return `run ${s.runId} ${s.state}: ${parts.join(', ')} in ${formatSeconds(s.elapsed)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
}

export function rate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1)
}

/** the summary as the plain reporter prints it (the Ink UI draws the same parts) */
export function summaryLines(s: SummaryData, c: ChalkInstance): string[] {
  const colour = s.state === 'succeeded' ? c.green : s.state === 'failed' ? c.red : c.yellow
  const lines = [colour(summaryLine(s))]
  if (s.slowest.length) lines.push(`slowest: ${s.slowest.map((t) => `${t.name} ${formatSeconds(t.micros / 1e6)}`).join(', ')}`)
  lines.push(...hints(s.runId).map((h) => c.dim(h))) // eslint-disable-line no-restricted-syntax -- bounded: two hints
  return lines
}

export function hints(runId: string): string[] {
  return [`rayts status ${runId}`, `rayts timeline ${runId} -o trace.json`]
}
