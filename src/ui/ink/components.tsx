// The live UI's parts. Pure: props in, boxes out; no state, no timers (the InkSink renders
// a fresh View at most 10 times a second). `color` false means no colour props at all.
import {useLayoutEffect} from 'react'
import {Box, Text, useStdout} from 'ink'
import type {View, RunningRow, WorkerRow, CapacityUse} from './view.js'
import type {Counts} from '../run-model.js'
import type {SummaryData} from '../summary.js'
import {hints, rate, summaryLine} from '../summary.js'
import {formatSeconds} from '../../format/units.js'
import {cancellingText} from '../sink.js'

type Color = string | undefined
const paint = (on: boolean, c: string): Color => (on ? c : undefined)

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, '')
}

export function Header(p: {readonly graph: string; readonly runId: string; readonly elapsed: number; readonly capacity: readonly CapacityUse[]; readonly color: boolean}) {
  const cap = p.capacity.map((c) => `${c.name} ${num(c.used)}/${num(c.total)}`).join('  ')
  return (
    <Text wrap="truncate-end">
      <Text bold color={paint(p.color, 'cyan')}>rayts</Text> {p.graph}  <Text dimColor={p.color}>run {p.runId}</Text>  {p.elapsed.toFixed(1)} s{cap ? `  ${cap}` : ''}
    </Text>
  )
}

export function ProgressBar(p: {
  readonly finished: number
  readonly total: number
  readonly counts: Counts
  readonly tasksPerSecond: number
  readonly columns: number
  readonly color: boolean
  readonly showBar?: boolean
  readonly showCounts?: boolean
}) {
  const width = Math.max(10, Math.min(40, p.columns - 30))
  const frac = p.total > 0 ? Math.min(1, p.finished / p.total) : 0
  const full = Math.round(frac * width)
  const c = p.counts
  const failedColor = c.failed > 0 ? paint(p.color, 'red') : undefined
  return (
    <Box flexDirection="column">
      {p.showBar === false ? null : (
        <Text wrap="truncate-end">
          <Text color={paint(p.color, 'green')}>{'█'.repeat(full)}</Text>
          <Text dimColor={p.color}>{'░'.repeat(width - full)}</Text> {p.finished}/{p.total} {Math.floor(frac * 100)}%  {rate(p.tasksPerSecond)} tasks/s
        </Text>
      )}
      {p.showCounts === false ? null : (
        <Text wrap="truncate-end">
          pending {c.pending} · running {c.running} · <Text color={paint(p.color, 'green')}>succeeded {c.succeeded}</Text> ·{' '}
          <Text color={failedColor}>failed {c.failed}</Text> · retrying {c.retrying} · skipped {c.skipped}
          {c.cached ? ` · cached ${c.cached}` : ''}
          {c.cancelled ? ` · cancelled ${c.cancelled}` : ''}
        </Text>
      )}
    </Box>
  )
}

export function RunningRows(p: {readonly rows: readonly RunningRow[]; readonly more: number; readonly spinner: string; readonly color: boolean}) {
  return (
    <Box flexDirection="column">
      {p.rows.map((r) => (
        <Text key={r.name} wrap="truncate-end">
          <Text color={paint(p.color, 'yellow')}>{p.spinner}</Text> {r.name}  <Text dimColor={p.color}>attempt {r.attempt}{r.maxAttempts === null ? '' : `/${r.maxAttempts}`}  pid {r.pid ?? '-'}  {r.elapsed.toFixed(1)} s</Text>
        </Text>
      ))}
      {p.more > 0 ? <Text dimColor={p.color} wrap="truncate-end">+{p.more} more running</Text> : null}
    </Box>
  )
}

export function Workers(p: {readonly workers: readonly WorkerRow[]; readonly recycled: number; readonly color: boolean}) {
  const list = p.workers.map((w) => `${w.pid} ${w.calls}${w.maxCalls === null ? '' : `/${w.maxCalls}`}`).join(' · ')
  return (
    <Text wrap="truncate-end" dimColor={p.color}>
      workers {p.workers.length}{p.recycled ? ` (${p.recycled} recycled)` : ''}{list ? `: ${list}` : ''}
    </Text>
  )
}

export function Summary(p: {readonly summary: SummaryData; readonly color: boolean}) {
  const s = p.summary
  const color = s.state === 'succeeded' ? 'green' : s.state === 'failed' ? 'red' : 'yellow'
  return (
    <Box flexDirection="column">
      <Text color={paint(p.color, color)}>{summaryLine(s)}</Text>
      {s.slowest.length ? <Text>slowest: {s.slowest.map((t) => `${t.name} ${formatSeconds(t.micros / 1e6)}`).join(', ')}</Text> : null}
      {hints(s.runId).map((h) => (
        <Text key={h} dimColor={p.color}>{h}</Text>
      ))}
    </Box>
  )
}

/**
 * The end of a run: header, full bar, counts, workers and the summary. It is laid out to a
 * string (see InkSink.close) and written like the finished lines, so that however tall it
 * is, nothing above it is erased.
 */
export function FinalFrame(p: {readonly view: View; readonly summary: SummaryData; readonly color: boolean}) {
  const v = p.view
  return (
    <Box flexDirection="column">
      <Header graph={v.graph} runId={v.runId} elapsed={v.elapsed} capacity={v.capacity} color={p.color} />
      <ProgressBar finished={v.finished} total={v.total} counts={v.counts} tasksPerSecond={p.summary.tasksPerSecond} columns={v.columns} color={p.color} />
      <Workers workers={v.workers} recycled={v.recycled} color={p.color} />
      <Summary summary={p.summary} color={p.color} />
    </Box>
  )
}

/**
 * Hands out Ink's `useStdout().write`: text written through it appears above the live
 * region, which Ink clears and redraws around it. Like <Static>, for strings only, and
 * without Ink laying the text out cell by cell: with <Static>, 10,000 result lines cost a
 * 10,000-task run 80% of its throughput; written this way they cost nothing measurable.
 */
export function AboveWriter(p: {readonly onWrite: (write: (data: string) => void) => void}) {
  const {write} = useStdout()
  useLayoutEffect(() => p.onWrite(write), [write, p.onWrite])
  return null
}

/** The live region: only the lines that fit the terminal (see buildView). */
export function App(p: {readonly view: View; readonly color: boolean; readonly onWrite?: (write: (data: string) => void) => void}) {
  const v = p.view
  return (
    <>
      {p.onWrite ? <AboveWriter onWrite={p.onWrite} /> : null}
      {v.started ? (
        <Box flexDirection="column">
          <Header graph={v.graph} runId={v.runId} elapsed={v.elapsed} capacity={v.capacity} color={p.color} />
          <ProgressBar finished={v.finished} total={v.total} counts={v.counts} tasksPerSecond={v.tasksPerSecond} columns={v.columns} color={p.color} showBar={v.show.bar} showCounts={v.show.counts} />
          {v.show.cancel ? <Text color={paint(p.color, 'yellow')} wrap="truncate-end">{cancellingText(v.cancelWhy)}</Text> : null}
          <RunningRows rows={v.running} more={v.show.more ? v.moreRunning : 0} spinner={v.spinner} color={p.color} />
          {v.show.workers ? <Workers workers={v.workers} recycled={v.recycled} color={p.color} /> : null}
        </Box>
      ) : (
        <Text dimColor={p.color} wrap="truncate-end">rayts: starting…{v.cancelling ? ` ${cancellingText(v.cancelWhy)}` : ''}</Text>
      )}
    </>
  )
}
