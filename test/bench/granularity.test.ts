// `rayts bench granularity` end to end with tiny sizes: the JSON report, the text report,
// the SVG and HTML charts (opened in headless Chromium where it is installed).
import test from 'ava'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {GranularityReport} from '../../src/bench/granularity.js'
import {findChromium, screenshot} from '../trace/chromium.js'
import {colourCounts, readPng} from '../trace/png.js'
import {rayts} from './cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-bench-gran-'))
const home = join(tmp, 'home')
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

const svgFile = join(tmp, 'chart.svg')
const htmlFile = join(tmp, 'chart.html')

test.serial('--json: every measurement, the crossing and the machine', async (t) => {
  const r = await rayts(home, ['bench', 'granularity', '--trials', '2', '--sizes', '100,1000', '--num-cpus', '2', '--json', '--plot', svgFile, '--fan-in-sizes', '20000x3', '--fan-in-runs', '1'])
  t.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout) as GranularityReport
  t.deepEqual(Object.keys(report).sort(), ['crossing', 'fanIn', 'machine', 'noise', 'numCpus', 'remoteMeasures', 'rows', 'runs', 'session', 'trials'])
  t.true(Array.isArray(report.noise.warnings) && Array.isArray(report.noise.localFalls))
  t.true(report.noise.otherCores === null || report.noise.otherCores >= 0)
  t.regex(report.remoteMeasures, /ray\.get/)
  t.regex(report.runs.measures, /object store/)
  // the fan-in case: 3 arrays of 20,000 doubles (160 kB each) feed one task; the runner gets references
  t.is(report.fanIn.rows.length, 1)
  const fan = report.fanIn.rows[0]!
  t.is(fan.n, 20000)
  t.is(fan.trials, 3)
  t.true(fan.localSeconds > 0 && fan.remoteSeconds > 0 && fan.oneTaskRunSeconds > 0)
  t.true(fan.runnerBytesPerTask > 0 && fan.runnerBytesPerTask < 1000, `${fan.runnerBytesPerTask} bytes per task reached the runner`)
  t.true(fan.runnerMaxRssBytes > 10 * 2 ** 20, `peak RSS ${fan.runnerMaxRssBytes}`)
  t.true(report.runs.rows.every((row) => row.settleSeconds >= 0 && row.runnerBytesPerTask > 0 && row.compileMs > 0))
  t.deepEqual(report.runs.rows.map((row) => row.n), [100, 1000])
  t.true(report.session.closeSeconds > 0 && report.session.maxRssBytes > 0)
  t.is(report.trials, 2)
  t.is(report.numCpus, 2)
  t.true(report.machine.cores >= 1)
  t.regex(report.machine.node, /^v\d+\./)
  t.is(typeof report.machine.cpuModel, 'string')
  t.is(report.machine.platform, process.platform)
  t.regex(report.remoteMeasures, /warm/)
  t.true(report.runs.warmup.coldSeconds > 0)
  t.true(report.runs.warmup.workers >= 1 && report.runs.warmup.workers <= 2)
  t.deepEqual(report.rows.map((row) => row.n), [100, 1000])
  for (const row of report.rows) {
    t.true(row.localSeconds > 0 && row.localSeconds < 60)
    t.true(row.remoteSeconds > 0 && row.remoteSeconds < 60)
    t.true(Math.abs(row.ratio - row.localSeconds / row.remoteSeconds) < 1e-9 * Math.max(1, row.ratio))
    t.true(row.parentCpuMicrosPerTask >= 0)
  }
  const c = report.crossing
  t.is(typeof c.message, 'string')
  t.true(Array.isArray(c.earlierWins))
  if (c.n === null) {
    t.regex(c.message, /never faster/)
    t.is(c.localSeconds, null)
  } else {
    t.regex(c.message, new RegExp(`faster .*starting at n = ${c.n}, local = .* vs\\. remote = `))
    const row = report.rows.find((x) => x.n === c.n)!
    t.is(c.localSeconds, row.localSeconds)
    t.is(c.remoteSeconds, row.remoteSeconds)
    for (const later of report.rows.filter((x) => x.n >= c.n!)) t.true(later.remoteSeconds < later.localSeconds)
  }
  t.true(existsSync(svgFile))
  t.regex(readFileSync(svgFile, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
})

test.serial('text: the table, the crossing sentence and the chart; --plot x.html', async (t) => {
  const r = await rayts(home, ['bench', 'granularity', '--trials', '2', '--sizes', '100,1000', '--plot', htmlFile, '--fan-in-sizes', '100', '--fan-in-runs', '1'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /fan-in: make_array\(n\) tasks feed one task/)
  t.regex(r.stdout, /^\s*100\s+2\s+\S+\s+\S+\s+\d+\.\d\d\s+\S+\s+\d+\s+\d+$/m)
  t.regex(r.stdout, /n\s+local s\s+remote s\s+local\/remote\s+runner CPU µs\/task\n/)
  t.regex(r.stdout, /the per-run form: /)
  t.regex(r.stdout, /^\s*1000\s+\S+\s+\S+\s+\d+\.\d\d\s+\d+\s+\S+\s+\d+$/m)
  t.regex(r.stdout, /targets:\n\s+runner CPU < 50 µs a task at every n: at most \d+ µs, (met|MISSED)/)
  t.regex(r.stdout, /machine: \d+ cores .*Node v\d+.*--num-cpus \d+/)
  t.regex(r.stdout, /n\s+local s\s+remote s\s+local\/remote/)
  t.regex(r.stdout, /^\s*1000\s+\S+\s+\S+\s+\d+\.\d\d\s+\d+$/m)
  t.regex(r.stdout, /The rayts times are (never faster|faster)/)
  t.regex(r.stdout, /L local\s+R remote/)
  t.regex(r.stdout, /┤/)
  const html = readFileSync(htmlFile, 'utf8')
  t.regex(html, /^<!doctype html>/)
  t.regex(html, /<svg /)
  t.notRegex(html, /(src|href)="(https?:)?\/\//) // no network resources
})

test.serial('bad flags: a plot file of another kind, bad sizes', async (t) => {
  const plot = await rayts(home, ['bench', 'granularity', '--trials', '1', '--sizes', '100', '--plot', join(tmp, 'x.png')])
  t.is(plot.code, 2)
  t.regex(plot.stderr, /\.svg or \.html/)
  const sizes = await rayts(home, ['bench', 'granularity', '--trials', '1', '--sizes', '100,abc'])
  t.is(sizes.code, 2)
  t.regex(sizes.stderr, /not a positive integer size: abc/)
})

const chromium = findChromium()
for (const [name, file] of [['SVG', svgFile], ['HTML', htmlFile]] as const) {
  test.serial(`the ${name} chart renders in headless Chromium`, (t) => {
    if (!chromium) {
      t.log('chromium not found on PATH: skipping the rendering check')
      t.pass()
      return
    }
    t.true(existsSync(file), 'made by the tests above')
    const png = join(tmp, `${name}.png`)
    screenshot(chromium, file, png)
    const counts = colourCounts(readPng(readFileSync(png)))
    t.true(counts.size > 10, `only ${counts.size} colours: blank?`)
    // both series are drawn in their colours
    t.true((counts.get(0x1f77b4) ?? 0) > 20, 'local (blue) line')
    t.true((counts.get(0xd62728) ?? 0) > 20, 'remote (red) line')
  })
}
