// The `ray.wait` loop's report of one batch (`rayts run --num-returns/--timeout` and
// `rayts wait --follow` print the same thing).
import {formatSeconds} from './units.js'
import {labelValue} from './value.js'

/** `Returned 1 completed task (elapsed 2.011 s)`, `Returned 2 completed tasks (…)` */
export function batchHead(n: number, elapsedSeconds: number): string {
  return `Returned ${n} completed task${n === 1 ? '' : 's'} (elapsed ${formatSeconds(elapsedSeconds)})`
}

/** `  add[0] = value`: a multi-line string value goes below its name, whole */
function batchLine(name: string, value: unknown): string {
  return labelValue(`  ${name} =`, value)
}

/**
 * One batch, without a trailing newline:
 *   Returned 2 completed tasks (elapsed 2.011 s)
 *     add[0] = Float64Array(0) []
 */
export function formatBatch(b: {readonly elapsed: number; readonly results: readonly {readonly name: string; readonly value: unknown}[]}): string {
  return [batchHead(b.results.length, b.elapsed), ...b.results.map((r) => batchLine(r.name, r.value))].join('\n')
}
