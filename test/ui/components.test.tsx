import test from 'ava'
import {renderToString} from 'ink'
import {render} from 'ink-testing-library'
import {App, FinalFrame, Header, ProgressBar, RunningRows, Summary, Workers} from '../../src/ui/ink/components.js'
import {buildView} from '../../src/ui/ink/view.js'
import {RunModel} from '../../src/ui/run-model.js'
import {summaryData} from '../../src/ui/summary.js'
import {Script, instances, valueError} from './helpers.js'

/** a model fed by a synthetic run */
function modelOf(build: (s: Script) => void): {m: RunModel; s: Script} {
  const s = new Script()
  const m = new RunModel()
  s.events.subscribe((e) => m.apply(e))
  build(s)
  return {m, s}
}

test('Header: graph, run id, elapsed, CPUs and resources in use of the capacity', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(['a', 'b', 'c'], {numCpus: 0.25, resources: {gpu: 1}}), ['c'], {cpu: 2, gpu: 2})
    s.run(0).run(1).at(1.25)
  })
  const v = buildView(m, {now: s.now, rows: 30, columns: 100})
  const {lastFrame} = render(<Header graph={v.graph} runId={v.runId} elapsed={v.elapsed} capacity={v.capacity} color={false} />)
  t.is(lastFrame(), 'rayts g  run r1  1.3 s  cpu 0.5/2  gpu 2/2')
})

test('ProgressBar: finished over total, counts by state, tasks per second', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(['a', 'b', 'c', 'd']), ['d'])
    s.run(0).run(1).at(2).ok(0, 1).attemptFailed(1, valueError, true)
  })
  const v = buildView(m, {now: s.now, rows: 30, columns: 70})
  const {lastFrame} = render(<ProgressBar finished={v.finished} total={v.total} counts={v.counts} tasksPerSecond={v.tasksPerSecond} columns={70} color={false} />)
  const [bar, counts] = lastFrame()!.split('\n')
  t.is(bar, `${'█'.repeat(10)}${'░'.repeat(30)} 1/4 25%  0.5 tasks/s`)
  t.is(counts, 'pending 2 · running 0 · succeeded 1 · failed 0 · retrying 1 · skipped 0')
})

test('RunningRows: one row per attempt, never more than fit; the rest as +N more running', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(Array.from({length: 50}, (_, i) => `sleep[${i}]`), {maxRetries: 2}), ['sleep'])
    for (let i = 0; i < 50; i++) s.run(i, 1, 1000 + i)
    s.at(1.5)
  })
  const rows = 20
  const v = buildView(m, {now: s.now, rows, columns: 100})
  const {lastFrame} = render(<RunningRows rows={v.running} more={v.moreRunning} spinner={v.spinner} color={false} />)
  const lines = lastFrame()!.split('\n')
  t.true(lines.length <= rows - 4 - 1, `${lines.length} lines`)
  t.regex(lines[0]!, /^. sleep\[0\]  attempt 1\/3  pid 1000  1\.5 s$/)
  t.is(lines.at(-1), `+${50 - (lines.length - 1)} more running`)
  // the whole live region fits the terminal too
  const app = render(<App view={v} color={false} />)
  t.true(app.lastFrame()!.split('\n').length < rows)
})

test('Workers: pid, calls done, max_calls; recycling counted', (t) => {
  const {m} = modelOf((s) => {
    s.start(instances(['a', 'b', 'c'], {maxCalls: 2}), ['c'])
    s.emit({type: 'worker-start', t: s.now, pid: 11}).emit({type: 'worker-start', t: s.now, pid: 12})
    s.run(0, 1, 11).ok(0, 1, s.now, 1, 11).run(1, 1, 11).ok(1, 1, s.now, 1, 11)
    s.emit({type: 'worker-exit', t: s.now, pid: 11, reason: 'max_calls', calls: 2}).emit({type: 'worker-start', t: s.now, pid: 13})
    s.run(2, 1, 12).attemptFailed(2, valueError, true, 1, 12)
  })
  const v = buildView(m, {now: 0, rows: 30, columns: 100})
  const {lastFrame} = render(<Workers workers={v.workers} recycled={v.recycled} color={false} />)
  t.is(lastFrame(), 'workers 2 (1 recycled): 12 1/2 · 13 0')
})

test('Summary: counts, total time, the 5 slowest, retries, run id and hints', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(['a', 'b', 'c', 'd', 'e', 'f', 'g']), ['g'])
    for (let i = 0; i < 7; i++) s.run(i)
    for (let i = 0; i < 6; i++) s.at(i + 1).ok(i, i, s.base)
    s.attemptFailed(6, {kind: 'timeout', name: 'TimeoutError', message: 'slow'}, true).at(8).fail(6, valueError).end('failed')
  })
  const {lastFrame} = render(<Summary summary={summaryData(m, s.now)} color={false} />)
  t.is(
    lastFrame(),
    [
      'run r1 failed: 6 succeeded, 1 failed in 8.000 s (0.9 tasks/s, 1 retry)',
      'slowest: f 6.000 s, e 5.000 s, d 4.000 s, c 3.000 s, b 2.000 s',
      'rayts status r1',
      'rayts timeline r1 -o trace.json',
    ].join('\n'),
  )
})

test('App: cancelling… shows; the final frame has no running rows, and a cancelled run no full bar', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(['a', 'b', 'c', 'd']), ['d']).run(0).run(1).at(1).ok(0, 1, s.base).run(2)
  })
  m.cancelling = true
  const app = render(<App view={buildView(m, {now: s.now, rows: 30, columns: 100})} color={false} />)
  t.regex(app.lastFrame()!, /b {2}attempt 1/)
  t.regex(app.lastFrame()!, /cancelling…/)
  s.at(2).emit({type: 'cancelled', t: s.now, inst: 1}).emit({type: 'cancelled', t: s.now, inst: 2}).emit({type: 'cancelled', t: s.now, inst: 3}).end('cancelled')
  const view = buildView(m, {now: s.now, rows: Number.POSITIVE_INFINITY, columns: 100})
  const last = renderToString(<FinalFrame view={view} summary={summaryData(m, s.now)} color={false} />, {columns: 100})
  t.notRegex(last, /attempt 1/)
  t.notRegex(last, /cancelling…/)
  // cancelled instances are not progress, and did not run: 1 of 4 done, 1 task in 2 s
  t.regex(last, /░ 1\/4 25% {2}0\.5 tasks\/s/)
  t.regex(last, /run r1 cancelled: 1 succeeded, 3 cancelled in 2\.000 s \(0\.5 tasks\/s\)/)
})

test('the live region fits any terminal height: lines dropped, never more than rows - 2', (t) => {
  const {m, s} = modelOf((s) => {
    s.start(instances(Array.from({length: 40}, (_, i) => `t[${i}]`)), ['t'])
    for (let i = 0; i < 40; i++) s.emit({type: 'worker-start', t: s.now, pid: 100 + i}).run(i, 1, 100 + i)
    s.at(1)
  })
  for (const cancelling of [false, true]) {
    m.cancelling = cancelling
    for (let rows = 3; rows <= 30; rows++) {
      const lines = render(<App view={buildView(m, {now: s.now, rows, columns: 60})} color={false} />).lastFrame()!.split('\n')
      t.true(lines.length <= rows - 2, `${rows} rows: ${lines.length} lines`)
      t.regex(lines[0]!, /^rayts g/)
      if (rows >= 8) t.regex(lines.at(-1)!, /^workers 40/)
    }
  }
})

test('a dynamic fan-out placeholder is not counted once it expands', (t) => {
  const {m} = modelOf((s) => {
    // src makes a list; fan (idx 1) is its placeholder, expanded into fan[0..2]
    s.start(instances(['src', 'fan']), ['fan']).run(0).at(1).ok(0, [1, 2, 3], s.base)
    const made = [2, 3, 4].map((idx, i) => ({idx, name: `fan[${i}]`, task: 'fan', index: i}))
    s.emit({type: 'expanded', t: s.now, task: 'fan', marker: 1, instances: made})
    s.emit({type: 'succeeded', t: s.now, inst: 1, attempt: 1, pid: null, startedAt: s.now, value: [1, 2, 3]})
    for (const i of [2, 3, 4]) s.run(i).at(2).ok(i, i, s.now - 500_000)
    s.end()
  })
  t.is(m.total, 4)
  t.is(m.counts.succeeded, 4)
  t.is(m.finished, 4)
  t.false(m.slowest.some((x) => x.name === 'fan'))
})
