// Plain lines: results on stdout, one progress line per finished task and a summary on
// stderr. Chosen when stderr is not a terminal, in CI, or with TERM=dumb.
import type {ChalkInstance} from 'chalk'
import type {RunEvent} from '../core/events.js'
import type {RunModel} from './run-model.js'
import {attemptMicros} from '../format/duration.js'
import {LineWriter} from './line-writer.js'
import {formatSeconds} from '../format/units.js'
import {formatBatch, formatResult, type Batch, type ResultItem} from './results-format.js'
import {cancellingText, failureLines, type Sink} from './sink.js'
import {summaryLines, type SummaryData} from './summary.js'

export class PlainSink implements Sink {
  private readonly out: LineWriter
  private readonly err: LineWriter

  constructor(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, private readonly c: ChalkInstance) {
    this.out = new LineWriter(stdout)
    this.err = new LineWriter(stderr)
  }

  event(e: RunEvent, m: RunModel): void {
    const c = this.c
    switch (e.type) {
      case 'succeeded':
        if (m.isPlaceholder(e.inst)) return
        if (e.cached) {
          this.err.line(`${c.green('✓')} ${m.name(e.inst)} ${c.dim('cached')}`)
          return
        }
        this.err.line(`${c.green('✓')} ${m.name(e.inst)} ${c.dim(formatSeconds(attemptMicros({startedAt: e.startedAt, endedAt: e.t}) / 1e6))}`)
        return
      case 'attempt-failed': {
        if (e.retryAt === null) return
        const max = m.instances[e.inst]?.maxRetries
        const of = max === undefined ? '' : max < 0 ? '/∞' : `/${max + 1}`
        const why = e.error.kind === 'error' ? `${e.error.name}: ${e.error.message}` : e.error.kind
        this.err.line(`${c.yellow('↻')} ${m.name(e.inst)} retry ${e.attempt + 1}${of} after ${why}`)
        return
      }
      case 'failed':
        for (const l of failureLines(m.failure(e.inst, e.error, e.t), c, m.liveOutput)) this.err.line(l)
        return
      case 'skipped':
        this.err.line(`${c.dim('-')} ${m.name(e.inst)} ${c.dim(`skipped (${m.name(e.because)} failed)`)}`)
        return
      default:
        return
    }
  }

  output(prefix: string, text: string): void {
    this.err.line(this.c.dim(prefix) + text)
  }

  result(r: ResultItem): void {
    this.out.line(formatResult(r))
  }

  batch(b: Batch): void {
    this.out.line(formatBatch(b))
  }

  cancelling(why?: string): void {
    this.err.line(this.c.yellow(cancellingText(why)))
    this.err.flush()
  }

  async close(s: SummaryData): Promise<void> {
    for (const l of summaryLines(s, this.c)) this.err.line(l)
    await Promise.all([this.out.drain(), this.err.drain()])
  }
}
