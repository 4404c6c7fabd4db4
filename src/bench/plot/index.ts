// Charts for the benchmarks: a terminal plot, and a file (SVG or HTML, by extension).
import {writeFileSync} from 'node:fs'
import {extname} from 'node:path'
import type {LogLogChart} from './chart.js'
import {renderHtml, renderSvg} from './svg.js'

export * from './chart.js'
export {renderTextPlot, type TextPlotSize} from './text.js'
export {renderSvg, renderHtml} from './svg.js'

export type PlotFormat = 'svg' | 'html'

/** the format a file name asks for, or null when it is neither .svg nor .html/.htm */
export function plotFormatOf(file: string): PlotFormat | null {
  const ext = extname(file).toLowerCase()
  if (ext === '.svg') return 'svg'
  if (ext === '.html' || ext === '.htm') return 'html'
  return null
}

/** writes the chart; notes go under it in HTML, and into an SVG <desc> */
export function writePlot(file: string, chart: LogLogChart, notes: readonly string[] = []): PlotFormat {
  const format = plotFormatOf(file)
  if (!format) throw new Error(`--plot ${file}: the file must end in .svg or .html`)
  writeFileSync(file, format === 'svg' ? renderSvg(chart, notes) : renderHtml(chart, notes))
  return format
}
