// How run commands print values, errors, durations and tables.
import type {TaskFailure} from '../core/events.js'
import type {InstanceRecord, RunRecord} from '../store/query/runs.js'
import {attemptMicros} from '../format/duration.js'
import {formatDuration} from '../format/units.js'
import {formatValue, labelValue} from '../format/value.js'
import {batchHead} from '../format/batch.js'
import {toJson, type Json} from '../format/json.js'
import {errorJson} from '../format/error-json.js'

export {formatValue, labelValue, batchHead, toJson, type Json}

/** an instance's error, for --json */
export function instanceErrorJson(instance: string, e: TaskFailure): Json {
  return {instance, ...(errorJson(e) as {[k: string]: Json})}
}

/** `name: message` and the worker's stack, for stderr. */
export function formatTaskError(ref: string, instance: string, e: TaskFailure): string {
  const where = ref === instance ? ref : `${ref} (${instance})`
  if (e.kind === 'skipped') return `${where} ${e.message}`
  const head = `${where} failed: ${e.name}: ${e.message}`
  const extra = [e.exitCode === undefined ? '' : `exit code ${e.exitCode}`, e.signal ? `signal ${e.signal}` : '']
    .filter(Boolean)
    .join(', ')
  const stack = e.stack && e.stack.trim() !== `${e.name}: ${e.message}` ? `\n${indent(e.stack)}` : ''
  return `${head}${extra ? ` (${extra})` : ''}${stack}`
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
}

/** a table's duration cell: `-` when there is none */
export function durationCell(ms: number | null): string {
  return ms === null || ms < 0 ? '-' : formatDuration(ms)
}

export function localTime(ms: number | null): string {
  if (ms === null) return '-'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** Left-aligned columns, two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

export function countsText(counts: Readonly<Record<string, number>>): string {
  const order = ['succeeded', 'cached', 'failed', 'skipped', 'cancelled', 'lost', 'running', 'retrying', 'ready', 'pending']
  const keys = Object.keys(counts).sort((a, b) => order.indexOf(a) - order.indexOf(b))
  return keys.map((k) => `${counts[k]} ${k}`).join(', ') || 'no tasks yet'
}

/** From the first start to the end (or now, or the last heartbeat of a lost run). */
export function runDurationMs(r: RunRecord): number | null {
  const start = r.startedMs ?? r.createdMs
  const end = r.endedMs ?? (r.state === 'running' || r.state === 'submitted' ? Date.now() : r.heartbeatMs)
  return end === null ? null : end - start
}

/**
 * The last attempt's duration (the one definition of src/format/duration.ts), or the time
 * since it began while it runs; null when it never started.
 */
export function instanceDurationMs(i: Pick<InstanceRecord, 'startedT' | 'endedT' | 'state'>, nowMicros: number): number | null {
  if (i.startedT === null) return null
  if (i.endedT !== null) return attemptMicros({startedAt: i.startedT, endedAt: i.endedT}) / 1000
  return i.state === 'running' ? attemptMicros({startedAt: i.startedT, endedAt: nowMicros}) / 1000 : null
}
