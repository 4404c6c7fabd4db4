// A log-log line chart as data: what both the terminal and the SVG renderers draw.

export interface Point {
  readonly x: number
  readonly y: number
}

export interface Series {
  readonly name: string
  /** one character for the terminal plot */
  readonly marker: string
  /** CSS colour for SVG */
  readonly color: string
  readonly points: readonly Point[]
}

/** a vertical line at `x` with its label (the granularity crossing) */
export interface XMark {
  readonly x: number
  readonly label: string
}

export interface LogLogChart {
  readonly title: string
  readonly marks?: readonly XMark[]
  readonly xLabel: string
  readonly yLabel: string
  readonly series: readonly Series[]
  readonly xTick: (value: number) => string
  readonly yTick: (value: number) => string
}

/** log10 bounds of an axis, widened to whole decades */
export interface Decades {
  readonly lo: number
  readonly hi: number
}

export function decadesOf(values: readonly number[]): Decades {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10)
  if (logs.length === 0) return {lo: 0, hi: 1}
  const lo = Math.floor(Math.min(...logs)) // eslint-disable-line no-restricted-syntax -- bounded: one point per size measured
  const hi = Math.max(lo + 1, Math.ceil(Math.max(...logs))) // eslint-disable-line no-restricted-syntax -- bounded: one point per size measured
  return {lo, hi}
}

/** where v falls on the axis, 0 at 10^lo and 1 at 10^hi */
export function fraction(d: Decades, v: number): number {
  return (Math.log10(v) - d.lo) / (d.hi - d.lo)
}

export const xDecades = (c: LogLogChart): Decades => decadesOf(c.series.flatMap((s) => s.points.map((p) => p.x)))
export const yDecades = (c: LogLogChart): Decades => decadesOf(c.series.flatMap((s) => s.points.map((p) => p.y)))

/** the points a renderer can place on log axes */
export const plottable = (points: readonly Point[]): Point[] => points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y))

/** 100 → "100", 2000 → "2k", 1e6 → "1M" */
export function shortCount(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`
  return `${+v.toPrecision(3)}`
}

/** 1e-4 → "100µs", 0.01 → "10ms", 1 → "1s" */
export function shortSeconds(v: number): string {
  if (v >= 1) return `${+v.toPrecision(3)}s`
  if (v >= 1e-3) return `${+(v * 1e3).toPrecision(3)}ms`
  return `${+(v * 1e6).toPrecision(3)}µs`
}
