// The granularity report for people: the tables, the crossing sentences, the targets, the chart.
import {fmtSeconds} from './granularity-crossing.js'
import type {GranularityReport} from './granularity.js'
import {type LogLogChart, shortCount, shortSeconds} from './plot/index.js'

export function granularityChart(r: GranularityReport): LogLogChart {
  const at = r.crossing.n
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
    // where the tasks become faster, on the chart as in the sentence under it
    marks: at === null ? [] : [{x: at, label: `remote faster from n = ${shortCount(at)}${r.noise.warnings.length > 0 ? ' (noisy)' : ''}`}],
  }
}

export function machineLine(r: GranularityReport): string {
  const m = r.machine
  return `machine: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, ${m.platform}-${m.arch}; --num-cpus ${r.numCpus}, --trials ${r.trials}`
}

const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : '?')

function formatGranularityTable(r: GranularityReport): string {
  const head = ['n', 'local s', 'remote s', 'local/remote', 'runner CPU µs/task']
  const body = r.rows.map((row) => [String(row.n), fmtSeconds(row.localSeconds), fmtSeconds(row.remoteSeconds), row.ratio.toFixed(2), row.parentCpuMicrosPerTask.toFixed(0)])
  return table(head, body)
}

function formatRunFormTable(r: GranularityReport): string {
  const head = ['n', 'local s', 'remote s', 'local/remote', 'runner CPU µs/task', 'settle s', 'runner B/task']
  const body = r.runs.rows.map((row) => [
    String(row.n),
    fmtSeconds(row.localSeconds),
    fmtSeconds(row.remoteSeconds),
    row.ratio.toFixed(2),
    row.parentCpuMicrosPerTask.toFixed(0),
    fmtSeconds(row.settleSeconds),
    row.runnerBytesPerTask.toFixed(0),
  ])
  return table(head, body)
}

function formatFanInTable(r: GranularityReport): string {
  const head = ['n', 'calls', 'local s', 'rayts run − 1-task s', 'local/remote', '1-task run s', 'runner B/task', 'runner peak RSS MB']
  const body = r.fanIn.rows.map((row) => [
    String(row.n),
    String(row.trials),
    fmtSeconds(row.localSeconds),
    fmtSeconds(row.remoteSeconds),
    row.ratio.toFixed(2),
    fmtSeconds(row.oneTaskRunSeconds),
    row.runnerBytesPerTask.toFixed(0),
    mb(row.runnerMaxRssBytes),
  ])
  return table(head, body)
}

/** the lesson issue's targets, each with the figure that decides it (sizes not measured: not judged) */
export function targetLines(r: GranularityReport): string[] {
  const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED')
  const out: string[] = []
  const from3k = r.rows.filter((row) => row.n >= 3000)
  if (from3k.length > 0) {
    const lost = from3k.filter((row) => row.ratio <= 1).map((row) => row.n)
    out.push(`remote faster at every n from 3,000 up: ${mark(lost.length === 0)}${lost.length > 0 ? ` (not at n = ${lost.join(', ')})` : ''}`)
  }
  const at80k = r.rows.find((row) => row.n === 80_000)
  if (at80k) out.push(`local/remote ≥ 1.6 at n = 80,000: ${at80k.ratio.toFixed(2)}, ${mark(at80k.ratio >= 1.6)}`)
  if (r.rows.length > 0) {
    const worst = Math.max(...r.rows.map((row) => row.parentCpuMicrosPerTask)) // eslint-disable-line no-restricted-syntax -- bounded: one row per size
    out.push(`runner CPU < 50 µs a task at every n: at most ${worst.toFixed(0)} µs, ${mark(worst < 50)}`)
  }
  for (const [n, trials, aim] of [[3000, 2000, 1.0], [80_000, 200, 1.6]] as const) {
    const row = r.fanIn.rows.find((x) => x.n === n && x.trials === trials)
    if (row) out.push(`fan-in ${n} × ${trials}: local/remote ${row.ratio.toFixed(2)} ≥ ${aim.toFixed(1)}, ${mark(row.ratio >= aim)}`)
  }
  return out
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
      : ['', `fan-in: make_array(n) tasks feed one task that sums them; remote = ${r.fanIn.measures} (${r.fanIn.runs} runs)`, '', formatFanInTable(r)]
  const targets = targetLines(r)
  return [
    machineLine(r),
    `remote = ${r.remoteMeasures}`,
    '',
    formatGranularityTable(r),
    '',
    r.crossing.message,
    ...noiseLines(r),
    `(the session's end, settling its objects, took ${fmtSeconds(r.session.closeSeconds)} s after the timings; this process's peak RSS: ${mb(r.session.maxRssBytes)} MB)`,
    '',
    `the per-run form: remote = ${r.runs.measures}`,
    `(the first warm-up run, on a fresh pool of ${r.runs.warmup.workers} workers, took ${fmtSeconds(r.runs.warmup.coldSeconds)} s)`,
    '',
    formatRunFormTable(r),
    '',
    r.runs.crossing.message,
    ...fanIn,
    ...(targets.length > 0 ? ['', 'targets:', ...targets.map((t) => `  ${t}`)] : []),
    '',
    plot,
  ].join('\n')
}

/** `Warning: noisy run: …`, one line per reason; none when the run looks quiet */
export function noiseLines(r: GranularityReport): string[] {
  return r.noise.warnings.map((w, i) => (i === 0 ? `Warning: noisy run: ${w}` : `  ${w}`))
}
