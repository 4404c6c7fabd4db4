// Writes a run's timeline to a file: Chrome trace JSON, or the self-contained HTML.
import {writeFileSync} from 'node:fs'
import type {RunEvent} from '../core/events.js'
import {buildTrace} from './build-trace.js'
import {renderTraceHtml} from './render-html.js'
import type {GraphDetail} from './timeline-run.js'
import type {ChromeTrace} from './types.js'

export type TimelineFormat = 'json' | 'html'

/** `.html`/`.htm` → html, anything else → json. */
export function formatForFile(file: string): TimelineFormat {
  return /\.html?$/i.test(file) ? 'html' : 'json'
}

export interface TimelineWritten {
  readonly file: string
  readonly format: TimelineFormat
  /** run events read */
  readonly events: number
  /** trace events written */
  readonly traceEvents: number
  /** attempt spans */
  readonly spans: number
}

export function writeTimeline(
  file: string,
  events: readonly RunEvent[],
  format: TimelineFormat = formatForFile(file),
  detail?: GraphDetail,
): TimelineWritten {
  const trace: ChromeTrace = buildTrace(events, {detail})
  writeFileSync(file, format === 'html' ? renderTraceHtml(trace) : `${JSON.stringify(trace)}\n`)
  return {file, format, events: events.length, traceEvents: trace.traceEvents.length, spans: trace.otherData.spans}
}
