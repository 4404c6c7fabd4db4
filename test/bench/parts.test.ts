// The pure parts of the benches: sizes, the crossing, the charts.
import test from 'ava'
import {findCrossing} from '../../src/bench/granularity-crossing.js'
import {granularityGraph, lessonSizes, parseFanInShapes, parseSizes} from '../../src/bench/granularity-work.js'
import {graphFor, parseShapes} from '../../src/bench/dag.js'
import {missedTargets} from '../../src/bench/dag-format.js'
import {secondsBeyond} from '../../src/bench/measure.js'
import {type LogLogChart, decadesOf, plotFormatOf, renderHtml, renderSvg, renderTextPlot, shortCount, shortSeconds} from '../../src/bench/plot/index.js'

test('the lesson sizes: i·10^j, i in 1,2,3,5,8, j in 2..4', (t) => {
  t.deepEqual(lessonSizes(), [100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 8000, 10000, 20000, 30000, 50000, 80000])
  t.deepEqual(parseSizes('100, 1_000'), [100, 1000])
  t.throws(() => parseSizes('0'), {message: /positive integer/})
  t.throws(() => parseSizes(''), {message: /no sizes/})
  t.regex(granularityGraph(3, 500), /foreach: \{range: 3\}, args: \[500\]/)
  t.deepEqual(parseFanInShapes('3000x2000, 80_000X200,500', 7), [{n: 3000, trials: 2000}, {n: 80000, trials: 200}, {n: 500, trials: 7}])
  t.throws(() => parseFanInShapes('3000x0', 7), {message: /positive integer/})
})

test('the crossing: the smallest n from which remote stays faster', (t) => {
  const rows = [
    {n: 100, localSeconds: 0.001, remoteSeconds: 0.01},
    {n: 1000, localSeconds: 0.01, remoteSeconds: 0.009}, // a lucky win, not kept
    {n: 2000, localSeconds: 0.02, remoteSeconds: 0.03},
    {n: 10000, localSeconds: 0.029, remoteSeconds: 0.025},
    {n: 20000, localSeconds: 0.06, remoteSeconds: 0.04},
  ]
  const c = findCrossing(rows, 2)
  t.is(c.n, 10000)
  t.deepEqual(c.earlierWins, [1000])
  t.true(c.message.startsWith('The rayts times are faster starting at n = 10000, local = 0.029 vs. remote = 0.025'))
  const never = findCrossing(rows.slice(0, 3), 2)
  t.is(never.n, null)
  t.regex(never.message, /never faster for n up to 2000.*overhead/)
  t.regex(findCrossing(rows.slice(0, 1), 1).message, /one CPU slot/)
  t.regex(findCrossing(rows.slice(3), 2).message, /faster at every size measured, starting at n = 10000/)
})

test('dag graphs and shapes', (t) => {
  t.deepEqual(parseShapes('wide, fan-in'), ['wide', 'fan-in'])
  t.throws(() => parseShapes('wide,x'), {message: /unknown shape x/})
  t.is((graphFor('fan-in', 8).match(/fn: add/g) ?? []).length, 3) // 4 leaves, 3 reductions
  // the wall targets hold the user's path (rayts run as a process), not the runtime alone
  t.deepEqual(missedTargets({shape: 'deep', size: 100_000, tasks: 100_000, compileMs: 1, compileCpuMs: 1, userWallMs: 4500, wallMs: 3000, schedulerMicrosPerTask: 3, peakRssMb: 301}), ['rayts run > 4 s', 'RSS > 300 MB'])
  t.deepEqual(missedTargets({shape: 'wide', size: 1000, tasks: 1000, compileMs: 1, compileCpuMs: 1, userWallMs: 5000, wallMs: 4500, schedulerMicrosPerTask: 3, peakRssMb: 100}), [])
  t.deepEqual(missedTargets({shape: 'fan-in', size: 100_000, tasks: 99_999, compileMs: 1100, compileCpuMs: 900, userWallMs: 2900, wallMs: 1500, schedulerMicrosPerTask: 3, peakRssMb: 300}), ['compile > 1 s'])
  t.deepEqual(missedTargets({shape: 'wide', size: 100_000, tasks: 100_000, compileMs: 500, compileCpuMs: 500, userWallMs: 2100, wallMs: 900, schedulerMicrosPerTask: 3, peakRssMb: 200}), ['rayts run > 2 s'])
})

const chart: LogLogChart = {
  title: 'a <test> & chart',
  xLabel: 'n',
  yLabel: 'seconds',
  xTick: shortCount,
  yTick: shortSeconds,
  series: [
    {name: 'local', marker: 'L', color: '#1f77b4', points: [{x: 100, y: 0.001}, {x: 10000, y: 0.1}]},
    {name: 'remote', marker: 'R', color: '#d62728', points: [{x: 100, y: 0.01}, {x: 10000, y: 0.05}, {x: 20000, y: 0}]},
  ],
}

test('charts: decades, ticks, text, SVG, HTML', (t) => {
  t.deepEqual(decadesOf([150, 80000]), {lo: 2, hi: 5})
  t.deepEqual(decadesOf([100]), {lo: 2, hi: 3})
  t.is(shortCount(20000), '20k')
  t.is(shortSeconds(0.0001), '100µs')
  t.is(shortSeconds(0.02), '20ms')
  const text = renderTextPlot(chart, {width: 40, height: 10})
  t.is((text.match(/L/g) ?? []).length, 2 + 1) // two points and the legend
  t.regex(text, /R remote/)
  t.regex(text, /100\s+1k\s+10k/)
  const svg = renderSvg(chart, ['note'])
  t.regex(svg, /a &lt;test&gt; &amp; chart/)
  t.is((svg.match(/<circle/g) ?? []).length, 4) // y = 0 cannot sit on a log axis
  t.regex(svg, /<desc>note<\/desc>/)
  t.regex(renderHtml(chart, ['x < y']), /<p>x &lt; y<\/p>/)
  // the crossing, marked on both
  const marked = {...chart, marks: [{x: 1000, label: 'remote faster from n = 1000'}]}
  t.regex(renderSvg(marked), /stroke-dasharray="6 4"\/>\n<text [^>]*>remote faster from n = 1000<\/text>/)
  const markedText = renderTextPlot(marked, {width: 40, height: 10})
  t.true((markedText.match(/\|/g) ?? []).length >= 5)
  t.regex(markedText, /\| remote faster from n = 1000/)
  t.is(plotFormatOf('a.SVG'), 'svg')
  t.is(plotFormatOf('a.htm'), 'html')
  t.is(plotFormatOf('a.png'), null)
})

test('a run less its baseline: the difference, or the whole run when the baseline took longer', (t) => {
  t.is(secondsBeyond(1500, 500), 1)
  // under load the 1-task baseline can outlast the run: never a near-zero (millions of tasks/s)
  t.is(secondsBeyond(400, 600), 0.4)
  t.is(secondsBeyond(400, 400), 0.4)
})
