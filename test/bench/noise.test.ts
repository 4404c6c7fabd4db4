// A noisy granularity run says so (issue 21 item 20): a local time that falls as n grows,
// or other processes busy on the machine while it measured; and the HTML chart marks the
// crossing.
import test from 'ava'
import {spawn} from 'node:child_process'
import {judgeNoise, localFalls, otherCores, sampleCpu, type CpuSample} from '../../src/bench/granularity-noise.js'
import {formatGranularity, granularityChart, noiseLines} from '../../src/bench/granularity-format.js'
import {findCrossing} from '../../src/bench/granularity-crossing.js'
import type {GranularityReport} from '../../src/bench/granularity.js'
import {renderHtml} from '../../src/bench/plot/index.js'
import {until} from '../helpers/poll.js'

// the times of the issue: local goes backwards from n = 300 to n = 500
const NOISY = [
  {n: 100, localSeconds: 0.004, remoteSeconds: 0.02},
  {n: 300, localSeconds: 0.011, remoteSeconds: 0.021},
  {n: 500, localSeconds: 0.007, remoteSeconds: 0.019},
  {n: 1000, localSeconds: 0.03, remoteSeconds: 0.02},
  {n: 2000, localSeconds: 0.06, remoteSeconds: 0.025},
]

test('a local time that falls as n grows is a noisy run', (t) => {
  t.deepEqual(localFalls(NOISY), [{n: 500, localSeconds: 0.007, prevN: 300, prevLocalSeconds: 0.011}])
  const noisy = judgeNoise(NOISY, 0.1, 2)
  t.is(noisy.warnings.length, 2)
  t.is(noisy.warnings[0], 'the local time fell as n grew (0.011 s at n = 300 to 0.0070 s at n = 500): the times are within noise')
  t.regex(noisy.warnings[1]!, /more --trials on a quiet machine/)
  const quiet = judgeNoise(NOISY.filter((r) => r.n !== 500), 0.1, 2)
  t.deepEqual(quiet, {localFalls: [], otherCores: 0.1, warnings: []})
  const busy = judgeNoise(NOISY.filter((r) => r.n !== 500), 1.3, 2)
  t.is(busy.warnings[0], 'other processes kept 1.3 of 2 cores busy while it measured')
  t.deepEqual(judgeNoise(NOISY.filter((r) => r.n !== 500), null, 2).warnings, [], 'unknown (no /proc) is not noisy')
})

test('other cores: the machine busy, less this process tree, over the time that passed', (t) => {
  const a: CpuSample = {busy: 1000, total: 4000, own: 100}
  // 200 ticks of 2 cores passed (total +400): 300 busy, 100 of them ours → 200 / 400 of 2 cores
  t.is(otherCores(a, {busy: 1300, total: 4400, own: 200}, 2), 1)
  t.is(otherCores(a, {busy: 1100, total: 4400, own: 250}, 2), 0, 'never below 0')
  t.is(otherCores(a, a, 2), null, 'no time passed')
  t.is(otherCores(null, a, 2), null)
})

test.serial('sampleCpu sees a busy process that is not ours, and counts what this process uses as its own', async (t) => {
  if (process.platform !== 'linux') return t.pass('no /proc')
  // a busy loop reparented away from this process (its shell exits at once)
  const sh = spawn('sh', ['-c', `${process.execPath} -e "const end = Date.now() + 3000; while (Date.now() < end);" >/dev/null 2>&1 & echo $!`], {stdio: ['ignore', 'pipe', 'ignore']})
  let pid = 0
  sh.stdout.on('data', (d: Buffer) => (pid = Number(String(d).trim())))
  await new Promise((resolve) => sh.on('close', resolve))
  t.teardown(() => {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  })
  const a = sampleCpu()!
  const end = Date.now() + 400
  let b = a
  // this process idles meanwhile (waiting on timers), so what is busy is the others'
  await until('0.4 s to pass', async () => {
    b = sampleCpu()!
    return Date.now() >= end
  })
  const others = otherCores(a, b, 2)!
  t.true(others >= 0.5, `others kept ${others} cores busy; a busy loop ran all along`)

  // 300 ms of CPU time spent here (however long that takes on a loaded machine) is counted
  // as this process tree's: at least 20 ticks of 10 ms, given the reads' rounding
  const own0 = sampleCpu()!.own
  const cpu0 = process.cpuUsage()
  for (;;) {
    const used = process.cpuUsage(cpu0)
    if (used.user + used.system >= 300_000) break
  }
  t.true(sampleCpu()!.own - own0 >= 20, 'CPU used by this process is its own, not the others\'')
})

test('the report warns of noise, and the HTML chart marks the crossing', (t) => {
  const rows = NOISY.map((r) => ({...r, ratio: r.localSeconds / r.remoteSeconds, compileMs: 1, parentCpuMicrosPerTask: 1, settleSeconds: 0, runnerBytesPerTask: 100}))
  const report: GranularityReport = {
    machine: {cores: 2, cpuModel: 'x', node: 'v20', platform: 'linux', arch: 'x64'},
    numCpus: 2,
    trials: 2,
    remoteMeasures: 'm',
    rows,
    crossing: findCrossing(rows, 2),
    noise: judgeNoise(rows, 1.3, 2),
    session: {closeSeconds: 0.1, maxRssBytes: 1},
    runs: {measures: 'm', warmup: {coldSeconds: 1, workers: 2}, rows: [], crossing: findCrossing([], 2)},
    fanIn: {measures: 'm', runs: 0, rows: []},
  }
  t.is(report.crossing.n, 1000)
  const text = formatGranularity(report, '(plot)')
  t.regex(text, /^The rayts times are faster starting at n = 1000.*\nWarning: noisy run: the local time fell as n grew \(0\.011 s at n = 300 to 0\.0070 s at n = 500\).*\n  other processes kept 1\.3 of 2 cores busy while it measured\n  the crossing may be noise/m)
  const html = renderHtml(granularityChart(report), noiseLines(report))
  t.regex(html, /<g class="mark"><line [^>]*stroke-dasharray/)
  t.regex(html, />remote faster from n = 1k \(noisy\)<\/text>/)
  t.regex(html, /<p>Warning: noisy run: the local time fell/)
  const never = {...report, crossing: findCrossing(rows.map((r) => ({...r, remoteSeconds: 1})), 2)}
  t.notRegex(renderHtml(granularityChart(never)), /class="mark"/, 'no crossing, no mark')
})
