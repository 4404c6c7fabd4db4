// The summary's one line: counts, time, rate and retries.
import test from 'ava'
import {summaryLine, type SummaryData} from '../../src/ui/summary.js'

const counts = {pending: 0, running: 0, retrying: 0, succeeded: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0}
type Over = Partial<Omit<SummaryData, 'counts'>> & {readonly counts: Partial<SummaryData['counts']>}

const data = (over: Over): SummaryData => ({
  runId: 'r1',
  graph: 'g',
  state: 'succeeded',
  elapsed: 2,
  total: 4,
  retries: 0,
  tasksPerSecond: 2,
  slowest: [],
  ...over,
  counts: {...counts, ...over.counts},
})

test('a run that ran tasks gives its rate, and its retries', (t) => {
  t.is(summaryLine(data({counts: {succeeded: 4}})), 'run r1 succeeded: 4 succeeded in 2.000 s (2.0 tasks/s)')
  t.is(summaryLine(data({counts: {succeeded: 2, cached: 2}, tasksPerSecond: 1, retries: 1})), 'run r1 succeeded: 2 succeeded, 2 cached in 2.000 s (1.0 tasks/s, 1 retry)')
})

test('a run whose every task came from the cache gives no rate (it ran none)', (t) => {
  t.is(summaryLine(data({counts: {cached: 4}, tasksPerSecond: 0})), 'run r1 succeeded: 0 succeeded, 4 cached in 2.000 s')
  t.is(summaryLine(data({counts: {cached: 4}, tasksPerSecond: 0, retries: 2})), 'run r1 succeeded: 0 succeeded, 4 cached in 2.000 s (2 retries)')
})

test('a run that ran nothing and cached nothing still says 0.0 tasks/s', (t) => {
  t.is(summaryLine(data({state: 'failed', counts: {failed: 1}, tasksPerSecond: 0})), 'run r1 failed: 0 succeeded, 1 failed in 2.000 s (0.0 tasks/s)')
})
