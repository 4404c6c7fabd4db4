// The run's Gantt timeline is the page `rayts timeline` writes (src/trace), shown in a frame
// of its own. That page carries one inline script and one inline style block, fixed text of
// src/trace with every run value escaped; its policy allows exactly those by their hashes.
import {createHash} from 'node:crypto'
import type {RunEvent} from '../core/events.js'
import {buildTrace, renderTraceHtml, type ChromeTrace} from '../trace/index.js'

const sha = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

export interface TimelinePage {
  readonly html: string
  readonly csp: string
}

export function timelinePage(events: readonly RunEvent[]): TimelinePage {
  const html = renderTraceHtml(events)
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!)
  const attrs = new Set([...html.matchAll(/ style="([^"]*)"/g)].map((m) => m[1]!))
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha).join(' ') || "'none'"}`,
    `style-src ${[...styles.map(sha), ...(attrs.size > 0 ? ["'unsafe-hashes'", ...[...attrs].map(sha)] : [])].join(' ') || "'none'"}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ')
  return {html, csp}
}

export function chromeTrace(events: readonly RunEvent[]): ChromeTrace {
  return buildTrace(events)
}
