// Ticks and labels of a time axis in microseconds.

/** A tick step of 1, 2 or 5 × 10^k µs giving about `target` ticks over `span` µs. */
export function tickStep(span: number, target = 8): number {
  if (!(span > 0)) return 1
  const raw = span / target
  const pow = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow
  return 10 * pow
}

/** `850 µs`, `12.5 ms`, `1.25 s`, `2 m 5 s` */
export function formatMicros(us: number): string {
  const a = Math.abs(us)
  if (a < 1000) return `${round(us)} µs`
  if (a < 1_000_000) return `${round(us / 1000)} ms`
  if (a < 120_000_000) return `${round(us / 1_000_000)} s`
  const s = Math.round(us / 1_000_000)
  return `${Math.floor(s / 60)} m ${s % 60} s`
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
