// How a result value reads as text: the one place both the live UI / reporters and the
// `get` and `wait` commands use.
//
// A string (a cmd task's output, or a fn's string result) is printed whole, exactly as it
// is, the way `rayts get` and GNU parallel print output. Anything else is shown by
// `util.inspect` on one line, with its thresholds: arrays, typed arrays, Maps and Sets
// show their first 100 items then `... N more items`, strings inside them are cut after
// 10,000 characters, nesting deeper than 4 levels is `[Object]` / `[Array]`.
//
//   Float64Array(3) [ 0.5, -1.2, 0.07 ]    [ 1, 2, 3 ]    { a: 1, b: 'x' }
//   <Buffer de ad be ef>   Map(1) { 'a' => 1 }   Set(1) { 1 }   123n   1970-01-01T00:00:00.000Z
import {inspect, type InspectOptions} from 'node:util'

const PREVIEW_OPTIONS: Readonly<InspectOptions> = {
  depth: 4,
  maxArrayLength: 100,
  maxStringLength: 10_000,
  breakLength: Number.POSITIVE_INFINITY,
  compact: true,
  colors: false,
}

/** a value as text: a string whole and as is, anything else as a one-line `util.inspect` preview */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, PREVIEW_OPTIONS)
}

/**
 * `head value` on one line; when the value's text spans lines (a multi-line string), `head`
 * alone on its line and the text below it, untouched.
 */
export function labelValue(head: string, value: unknown): string {
  const text = formatValue(value)
  return text.includes('\n') ? `${head}\n${text}` : text === '' ? head : `${head} ${text}`
}
