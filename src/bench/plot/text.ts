// A log-log chart as characters, for the terminal.
import {type LogLogChart, fraction, plottable, xDecades, yDecades} from './chart.js'

export interface TextPlotSize {
  readonly width: number
  readonly height: number
}

export function renderTextPlot(chart: LogLogChart, size: TextPlotSize = {width: 60, height: 16}): string {
  const {width: w, height: h} = size
  const xd = xDecades(chart)
  const yd = yDecades(chart)
  const grid: string[][] = Array.from({length: h}, () => Array.from({length: w}, () => ' '))
  const col = (x: number): number => Math.round(fraction(xd, x) * (w - 1))
  const row = (y: number): number => h - 1 - Math.round(fraction(yd, y) * (h - 1))
  const put = (r: number, c: number, ch: string, strong: boolean): void => {
    if (r < 0 || r >= h || c < 0 || c >= w) return
    const was = grid[r]![c]!
    if (!strong && was !== ' ') return
    grid[r]![c] = strong && was !== ' ' && was !== '.' && was !== ch ? '*' : ch
  }
  for (const m of chart.marks ?? []) if (m.x > 0 && Number.isFinite(m.x)) for (let r = 0; r < h; r++) put(r, col(m.x), '|', false)
  for (const s of chart.series) {
    const pts = plottable(s.points)
    // the line between points: one dot per column, interpolated in log space
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i]!
      const b = pts[i + 1]!
      const c0 = col(a.x)
      const c1 = col(b.x)
      for (let c = c0 + 1; c < c1; c++) {
        const t = (c - c0) / (c1 - c0)
        const ly = Math.log10(a.y) + t * (Math.log10(b.y) - Math.log10(a.y))
        put(row(10 ** ly), c, '.', false)
      }
    }
  }
  for (const s of chart.series) for (const p of plottable(s.points)) put(row(p.y), col(p.x), s.marker, true)

  const yLabels = new Map<number, string>()
  for (let k = yd.lo; k <= yd.hi; k++) yLabels.set(row(10 ** k), chart.yTick(10 ** k))
  const pad = Math.max(...[...yLabels.values()].map((l) => l.length)) // eslint-disable-line no-restricted-syntax -- bounded: one label per tick
  const lines = [`${chart.title}`, '']
  for (let r = 0; r < h; r++) lines.push(`${(yLabels.get(r) ?? '').padStart(pad)} ┤${grid[r]!.join('')}`)
  lines.push(`${' '.repeat(pad)} └${'─'.repeat(w)}`)
  const axis = Array.from({length: w + 2}, () => ' ')
  for (let k = xd.lo; k <= xd.hi; k++) {
    const label = chart.xTick(10 ** k)
    const at = Math.min(Math.max(0, col(10 ** k) + 1 - Math.floor(label.length / 2)), w + 2 - label.length)
    for (let i = 0; i < label.length; i++) axis[at + i] = label[i]!
  }
  lines.push(`${' '.repeat(pad)}${axis.join('')}`)
  lines.push(`${' '.repeat(pad)}  ${chart.xLabel} (log) → ; ${chart.yLabel} (log) ↑`)
  lines.push(`${' '.repeat(pad)}  ${chart.series.map((s) => `${s.marker} ${s.name}`).join('   ')}   * both${(chart.marks ?? []).map((m) => `   | ${m.label}`).join('')}`)
  return lines.join('\n')
}
