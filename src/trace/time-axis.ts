// Ticks and labels of a time axis in microseconds.

/** A tick step of 1, 2 or 5 × 10^k µs giving about `target` ticks over `span` µs. */
export function tickStep(span: number, target = 8): number {
  if (!(span > 0)) return 1
  const raw = span / target
  const pow = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow
  return 10 * pow
}


/**
 * A tick's label in the unit of the tick step, so that every label of one axis has the
 * same unit: `0 s`, `0.5 s`, `1 s` rather than `0 µs`, `500 ms`, `1 s`.
 */
export function formatTick(us: number, step: number): string {
  const [per, unit] = step >= 1_000_000 ? [1_000_000, 's'] : step >= 1000 ? [1000, 'ms'] : [1, 'µs']
  return `${round(us / per)} ${unit}`
}

const round = (n: number): string => String(Number(n.toPrecision(3)))
