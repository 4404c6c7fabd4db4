// How results, batches and failures read as text and as JSON lines. Pure functions, shared
// by the reporters; values themselves are formatted in src/format (shared with the commands).
import type {TaskFailure} from '../core/events.js'
import {formatSeconds} from '../format/units.js'
import {toJson, type Json} from '../format/json.js'
import {labelValue} from '../format/value.js'

export {formatBatch} from '../format/batch.js'

export interface ResultItem {
  /** `ID` or `ID[i]` */
  readonly name: string
  readonly task: string
  readonly index: number | null
  /** seconds since the run started */
  readonly elapsed: number
  readonly value: unknown
}

export interface Batch {
  /** seconds since the run started, when the batch was returned */
  readonly elapsed: number
  readonly results: readonly ResultItem[]
}

/**
 * `id3 (4.012 s): Float64Array(2) [ 0.53, -1.2 ]`; a string result whole and as is (on the
 * lines below the name when it spans lines)
 */
export function formatResult(r: ResultItem): string {
  return labelValue(`${r.name} (${formatSeconds(r.elapsed)}):`, r.value)
}

/** `ValueError: bad input` then the stack (without its first line when it repeats it), indented */
export function formatError(e: TaskFailure, indent = '  '): string[] {
  const out: string[] = []
  if (e.stack) {
    const lines = e.stack.split('\n')
    if (lines[0]?.startsWith(e.name) || (e.message && lines[0]?.includes(e.message))) lines.shift()
    for (const l of lines) if (l.trim()) out.push(indent + l.trim())
  }
  if (e.exitCode !== undefined) out.push(`${indent}exit code ${e.exitCode}`)
  if (e.signal) out.push(`${indent}signal ${e.signal}`)
  return out
}

function round3(s: number): number {
  return Math.round(s * 1000) / 1000
}

export function resultJson(r: ResultItem): Json {
  return {type: 'result', instance: r.name, task: r.task, index: r.index, elapsed: round3(r.elapsed), value: toJson(r.value)}
}

export function batchJson(b: Batch): Json {
  return {
    type: 'batch',
    elapsed: round3(b.elapsed),
    results: b.results.map((r) => ({instance: r.name, task: r.task, index: r.index, elapsed: round3(r.elapsed), value: toJson(r.value)})),
  }
}

