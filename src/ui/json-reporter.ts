// `--json`: stdout holds JSON lines only (results or batches, failures, one summary last);
// stderr holds only failures (as text) and one summary line. Encoding: docs/ui.md.
import type {ChalkInstance} from 'chalk'
import type {RunEvent} from '../core/events.js'
import type {Json} from '../format/json.js'
import type {RunModel} from './run-model.js'
import {LineWriter} from './line-writer.js'
import {batchJson, resultJson, type Batch, type ResultItem} from './results-format.js'
import {errorJson} from '../format/error-json.js'
import {cancellingText, failureLines, type Sink} from './sink.js'
import {summaryJson, summaryLine, type SummaryData} from './summary.js'

export class JsonSink implements Sink {
  private readonly out: LineWriter
  private readonly err: LineWriter

  constructor(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, private readonly c: ChalkInstance) {
    this.out = new LineWriter(stdout)
    this.err = new LineWriter(stderr)
  }

  private json(o: Json): void {
    this.out.line(JSON.stringify(o))
  }

  event(e: RunEvent, m: RunModel): void {
    if (e.type !== 'failed') return
    const f = m.failure(e.inst, e.error, e.t)
    const info = m.instances[e.inst]
    this.json({
      type: 'failed',
      instance: f.name,
      task: info?.task ?? f.name,
      index: info?.index ?? null,
      elapsed: Math.round(f.elapsedMicros / 1000) / 1000,
      error: errorJson(e.error),
      log: [...f.logTail],
    })
    for (const l of failureLines(f, this.c, m.liveOutput)) this.err.line(l)
  }

  output(prefix: string, text: string): void {
    this.err.line(prefix + text)
  }

  result(r: ResultItem): void {
    this.json(resultJson(r))
  }

  batch(b: Batch): void {
    this.json(batchJson(b))
  }

  cancelling(why?: string): void {
    this.err.line(cancellingText(why))
    this.err.flush()
  }

  async close(s: SummaryData): Promise<void> {
    this.json(summaryJson(s))
    this.err.line(summaryLine(s))
    await Promise.all([this.out.drain(), this.err.drain()])
  }
}
