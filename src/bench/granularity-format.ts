// The granularity report for people: the table, the crossing sentence, the chart.
import {fmtSeconds} from './granularity-crossing.js'
import type {GranularityReport} from './granularity.js'
import {type LogLogChart, shortCount, shortSeconds} from './plot/index.js'

export function granularityChart(r: GranularityReport): LogLogChart {
  return {
    title: `make_array(n) × ${r.trials}: local vs. rayts tasks (--num-cpus ${r.numCpus})`,
    xLabel: 'n',
    yLabel: 'seconds',
    xTick: shortCount,
    yTick: shortSeconds,
    series: [
      {name: 'local', marker: 'L', color: '#1f77b4', points: r.rows.map((row) => ({x: row.n, y: row.localSeconds}))},
      {name: 'remote (rayts)', marker: 'R', color: '#d62728', points: r.rows.map((row) => ({x: row.n, y: row.remoteSeconds}))},
    ],
  }
}

export function machineLine(r: GranularityReport): string {
  const m = r.machine
  return `machine: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, ${m.platform}-${m.arch}; --num-cpus ${r.numCpus}, --trials ${r.trials}`
}

export function formatGranularityTable(r: GranularityReport): string {
  const head = ['n', 'local s', 'remote s', 'local/remote', 'settle s', 'runner B/task']
  const body = r.rows.map((row) => [String(row.n), fmtSeconds(row.localSeconds), fmtSeconds(row.remoteSeconds), row.ratio.toFixed(2), fmtSeconds(row.settleSeconds), row.runnerBytesPerTask.toFixed(0)])
  return table(head, body)
}

export function formatFanInTable(r: GranularityReport): string {
  const head = ['n', 'local s', 'rayts run − 1-task s', 'local/remote', '1-task run s', 'runner B/task']
  const body = r.fanIn.rows.map((row) => [String(row.n), fmtSeconds(row.localSeconds), fmtSeconds(row.remoteSeconds), row.ratio.toFixed(2), fmtSeconds(row.oneTaskRunSeconds), row.runnerBytesPerTask.toFixed(0)])
  return table(head, body)
}

function table(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length))) // eslint-disable-line no-restricted-syntax -- bounded: one row per size
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ')
  return [line(head), ...body.map(line)].join('\n')
}

export function formatGranularity(r: GranularityReport, plot: string): string {
  const fanIn =
    r.fanIn.rows.length === 0
      ? []
      : ['', `fan-in: ${r.fanIn.trials} make_array(n) tasks feed one task that sums them; remote = ${r.fanIn.measures} (${r.fanIn.runs} runs)`, '', formatFanInTable(r)]
  return [
    machineLine(r),
    `remote = ${r.remoteMeasures}`,
    `(the first warm-up run, on a fresh pool of ${r.warmup.workers} workers, took ${fmtSeconds(r.warmup.coldSeconds)} s)`,
    '',
    formatGranularityTable(r),
    '',
    r.crossing.message,
    ...fanIn,
    '',
    plot,
  ].join('\n')
}
