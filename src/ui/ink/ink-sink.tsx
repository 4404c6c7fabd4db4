// The live Ink UI on stderr. Events are folded into the RunModel by attachReporter; this
// sink only renders: one interval (10/s) builds a View and re-renders when something shown
// changed. No React state, no update per event.
// Ink's own throttle (maxFps 30) stays as the upper bound; this interval sets the pace.
//
// The first frame is drawn the moment the run starts, synchronously, before the scheduler
// hands out work and the pool spawns its workers (`rayts: starting…` only when the run
// takes longer than STARTING_MS to start).
//
// Finished results and failures are written above the live region through Ink's
// `useStdout().write` (see AboveWriter), once per frame: Ink clears the live region, writes
// them, and redraws it, so they scroll up like <Static> items. The live region always fits
// the terminal (buildView), and the final frame is written the same way, so nothing above
// it is ever erased, whatever the terminal's size.
// Results: when stdout is a terminal too, they appear only there, above the live region
// (writing them to stdout directly would garble it); when stdout is redirected, they are
// also written there as plain lines, exactly as the plain reporter writes them.
import {render, renderToString, Text, type Instance} from 'ink'
import type {ChalkInstance} from 'chalk'
import type {RunEvent} from '../../core/events.js'
import type {RunModel} from '../run-model.js'
import {makeChalk} from '../choose.js'
import {LineWriter} from '../line-writer.js'
import {formatBatch, formatResult, type Batch, type ResultItem} from '../results-format.js'
import {cancellingText, failureLines, type Sink} from '../sink.js'
import type {SummaryData} from '../summary.js'
import {AboveWriter, App, FinalFrame} from './components.js'
import {buildView} from './view.js'

/** 10 frames a second: smooth enough for a spinner, and cheap beside the tasks */
const FRAME_MS = 100
/** how long a run may take to start before `rayts: starting…` is shown */
const STARTING_MS = 150

export interface InkSinkOptions {
  readonly stdout: NodeJS.WritableStream & {readonly isTTY?: boolean}
  readonly stderr: NodeJS.WriteStream
  readonly color: boolean
  readonly clock: () => number
}

export class InkSink implements Sink {
  /** mounted by the first frame */
  private ink: Instance | null = null
  private readonly timer: NodeJS.Timeout
  private readonly starting: NodeJS.Timeout
  private readonly c: ChalkInstance
  private readonly out: LineWriter | null
  private pending: string[] = []
  private writeAbove: ((data: string) => void) | null = null
  private readonly onWrite = (w: (data: string) => void): void => {
    this.writeAbove = w
  }
  private lastKey = ''
  private closed = false

  constructor(private readonly model: RunModel, private readonly opts: InkSinkOptions) {
    this.c = makeChalk(opts.color)
    this.out = opts.stdout.isTTY ? null : new LineWriter(opts.stdout)
    this.starting = setTimeout(() => this.frame(false), STARTING_MS)
    this.starting.unref()
    this.timer = setInterval(() => this.frame(false), FRAME_MS)
    this.timer.unref()
  }

  event(e: RunEvent, m: RunModel): void {
    if (e.type === 'run-start') this.frame(true)
    else if (e.type === 'failed') this.pending.push(failureLines(m.failure(e.inst, e.error, e.t), this.c, m.liveOutput).join('\n'))
  }

  /** written above the live region with the next frame, like finished results */
  output(prefix: string, text: string): void {
    this.pending.push(this.c.dim(prefix) + text)
  }

  result(r: ResultItem): void {
    const line = formatResult(r)
    this.pending.push(`${this.c.green('✓')} ${line}`)
    this.out?.line(line)
  }

  batch(b: Batch): void {
    const text = formatBatch(b)
    this.pending.push(text)
    this.out?.line(text)
  }

  cancelling(why?: string): void {
    // a line above the live region appears at once; Ink throttles the live region's frames
    this.pending.push(this.c.yellow(cancellingText(why)))
    this.frame(true)
  }

  /**
   * The final frame is laid out to text at the terminal's width and written above the live
   * region like the finished lines, all but its last line, which replaces the live region
   * when Ink unmounts: one line, so Ink ends it with a newline and never clears the screen.
   */
  async close(s: SummaryData): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    clearTimeout(this.starting)
    if (this.ink) {
      const view = buildView(this.model, {now: this.opts.clock(), rows: Number.POSITIVE_INFINITY, columns: this.columns()})
      const lines = renderToString(<FinalFrame view={view} summary={s} color={this.opts.color} />, {columns: this.columns()}).split('\n')
      const last = lines.pop() ?? ''
      for (const line of lines) this.pending.push(line) // no push(...): a final frame may be long
      this.takePending()
      this.ink.rerender(
        <>
          <AboveWriter onWrite={this.onWrite} />
          <Text wrap="truncate-end">{last}</Text>
        </>,
      )
      this.ink.unmount()
      await this.ink.waitUntilExit()
    }
    await this.out?.drain()
  }

  private columns(): number {
    return this.opts.stderr.columns || 80
  }

  /** write the finished lines of this frame above the live region, in one write */
  private takePending(): void {
    if (this.pending.length === 0 || !this.writeAbove) return
    const text = this.pending.join('\n') + '\n'
    this.pending = []
    this.writeAbove(text)
  }

  /** render when something shown changed (or when forced); the first frame mounts Ink */
  private frame(force: boolean): void {
    if (this.closed) return
    const now = this.opts.clock()
    const key = `${this.model.version}:${Math.floor(now / (FRAME_MS * 1000))}:${this.pending.length}`
    if (!force && key === this.lastKey && this.ink) return
    this.lastKey = key
    this.takePending()
    const tree = this.tree(now)
    if (this.ink) this.ink.rerender(tree)
    else this.ink = render(tree, {stdout: this.opts.stderr, stderr: this.opts.stderr, exitOnCtrlC: false, patchConsole: false})
    // the first frame: finished lines that came before Ink was mounted
    this.takePending()
  }

  private tree(now: number) {
    const view = buildView(this.model, {now, rows: this.opts.stderr.rows || 24, columns: this.columns()})
    return <App view={view} color={this.opts.color} onWrite={this.onWrite} />
  }
}
