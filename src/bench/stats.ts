// Order statistics of a benchmark's samples.

/** the value at percent `p` of samples already sorted ascending; NaN when there are none */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! // not empty: in range
}

/** the middle of `xs` once sorted (the upper one of an even count); NaN when empty */
export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50)
}
