// One self-contained HTML file drawing a run's timeline as a Gantt chart: inline SVG, CSS
// and a few lines of JS for a hover box. No network: nothing is loaded from anywhere.
import type {RunEvent} from '../core/events.js'
import {buildTrace} from './build-trace.js'
import {type GanttRow, ganttRows} from './gantt-rows.js'
import {formatTick, tickStep} from './time-axis.js'
import {formatDuration} from '../format/units.js'
import {countsSummary, instanceCounts} from './instance-counts.js'
import {type ChromeTrace, type CompleteEvent, type InstantEvent, OUTCOMES, QUEUED_CAT, SCHEDULING_CATS, WAIT_CAT} from './types.js'
import {PHASE_NAMES} from './phases.js'

export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  succeeded: '#43a047',
  cached: '#81c784',
  failed: '#e53935',
  crash: '#8e24aa',
  timeout: '#fb8c00',
  cancelled: '#9e9e9e',
  unfinished: '#fdd835',
  [WAIT_CAT]: '#1e88e5',
  [QUEUED_CAT]: '#00897b',
}

/** an attempt's phases: a strip along the bottom of its bar */
const PHASE_COLORS: Readonly<Record<string, string>> = {
  'read inputs': '#0d47a1',
  execute: '#1b5e20',
  'write result': '#e65100',
}
const PHASE_H = 4

const INSTANT_COLORS: Readonly<Record<string, string>> = {
  crash: '#6a1b9a',
  timeout: '#e65100',
  retry: '#3949ab',
  worker: '#546e7a',
  failed: '#b71c1c',
  skipped: '#757575',
  cancelled: '#757575',
  run: '#212121',
}

const LABEL_W = 170
const PLOT_W = 1000
const RIGHT = 20
const AXIS_H = 28
const ROW_H = 24
const BAR_H = 16
/** the narrowest bar drawn (of PLOT_W): a 1 ms attempt in a minute-long run stays visible and can be hovered */
export const MIN_BAR_W = 4

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

const num = (n: number): string => String(Math.round(n * 100) / 100)

export function renderTraceHtml(input: ChromeTrace | readonly RunEvent[]): string {
  const trace: ChromeTrace = isEvents(input) ? buildTrace(input) : input
  const gantt = ganttRows(trace)
  const end = Math.max(gantt.end, 1)
  const x = (ts: number): number => LABEL_W + (ts / end) * PLOT_W
  const height = AXIS_H + gantt.rows.length * ROW_H + 8
  const width = LABEL_W + PLOT_W + RIGHT
  const svg: string[] = []
  svg.push(`<svg id="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline">`)
  svg.push(axis(end, height, x))
  gantt.rows.forEach((row, r) => svg.push(drawRow(row, AXIS_H + r * ROW_H, x)))
  for (const m of gantt.marks) {
    svg.push(`<line class="mark" x1="${num(x(m.ts))}" x2="${num(x(m.ts))}" y1="${AXIS_H}" y2="${height - 8}" stroke="${INSTANT_COLORS[m.cat] ?? '#212121'}"><title>${esc(tip(m))}</title></line>`)
  }
  svg.push('</svg>')

  const o = trace.otherData
  const summary = countsSummary(instanceCounts(trace))
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(`rayts timeline: ${o.graph} ${o.runId}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(o.graph)} <small>${esc(o.runId)}</small></h1>
<p>started ${esc(o.startedAt)} · ${esc(formatDuration(gantt.end / 1000))} · ${esc(o.state)} · ${esc(summary)}</p>
</header>
${legend()}
<div class="scroll">${svg.join('\n')}</div>
<div id="tip" hidden></div>
<script>${JS}</script>
</body>
</html>
`
}

function isEvents(input: ChromeTrace | readonly RunEvent[]): input is readonly RunEvent[] {
  return Array.isArray(input)
}

function axis(end: number, height: number, x: (ts: number) => number): string {
  const step = tickStep(end)
  const out: string[] = ['<g class="axis">']
  for (let t = 0; t <= end + step / 1000; t += step) {
    const px = num(x(t))
    out.push(`<line x1="${px}" x2="${px}" y1="${AXIS_H - 6}" y2="${height - 8}"/>`)
    out.push(`<text x="${px}" y="${AXIS_H - 10}">${esc(formatTick(t, step))}</text>`)
  }
  out.push('</g>')
  return out.join('')
}

function drawRow(row: GanttRow, y: number, x: (ts: number) => number): string {
  const out: string[] = [`<g class="row${row.waits ? ' waits' : ''}">`]
  out.push(`<rect class="band" x="0" y="${y}" width="${LABEL_W + PLOT_W + RIGHT}" height="${ROW_H}"/>`)
  out.push(`<text class="label" x="8" y="${y + ROW_H / 2 + 4}">${esc(row.label)}</text>`)
  const top = y + (ROW_H - BAR_H) / 2
  for (const s of row.spans) {
    const w = Math.max(MIN_BAR_W, x(s.ts + s.dur) - x(s.ts))
    const fill = OUTCOME_COLORS[s.cat] ?? '#607d8b'
    out.push(`<rect class="bar ${esc(s.cat)}" x="${num(x(s.ts))}" y="${top}" width="${num(w)}" height="${BAR_H}" fill="${fill}"><title>${esc(tip(s))}</title></rect>`)
    // the instance's name inside its bar, when it fits
    if (!row.waits && s.name.length * 6.2 + 8 < w) out.push(`<text class="name" x="${num(x(s.ts) + 4)}" y="${top + BAR_H / 2 + 4}">${esc(s.name)}</text>`)
  }
  // phases only where they are wide enough to see (the bar keeps its minimum width)
  for (const p of row.phases) {
    const w = x(p.ts + p.dur) - x(p.ts)
    if (w < 1) continue
    out.push(`<rect class="phase" x="${num(x(p.ts))}" y="${top + BAR_H - PHASE_H}" width="${num(w)}" height="${PHASE_H}" fill="${PHASE_COLORS[p.name] ?? '#000'}"><title>${esc(tip(p))}</title></rect>`)
  }
  for (const i of row.instants) {
    const cx = x(i.ts)
    const fill = INSTANT_COLORS[i.cat] ?? '#212121'
    out.push(`<path class="instant" d="M${num(cx - 4)} ${y + 1}h8l-4 7z" fill="${fill}"><title>${esc(tip(i))}</title></path>`)
  }
  out.push('</g>')
  return out.join('')
}

function tip(e: CompleteEvent | InstantEvent): string {
  const lines = [e.name, e.ph === 'X' ? `${e.cat} · ${formatDuration(e.dur / 1000)} from ${formatDuration(e.ts / 1000)}` : `${e.cat} at ${formatDuration(e.ts / 1000)}`]
  for (const [k, v] of Object.entries(e.args ?? {})) if (v !== null && v !== undefined) lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return lines.join('\n')
}

function legend(): string {
  const label: Record<string, string> = {[WAIT_CAT]: 'ready, waiting for a slot', [QUEUED_CAT]: 'handed out, not yet running'}
  const items = [...OUTCOMES, ...SCHEDULING_CATS].map(
    (k) => `<span><i style="background:${OUTCOME_COLORS[k]}${label[k] ? ';opacity:.35' : ''}"></i>${label[k] ?? k}</span>`,
  )
  const words: Record<string, string> = {worker: 'worker start / exit', skipped: 'skipped (never started)', cancelled: 'cancelled (a running one ends there; one that never started has only this mark)'}
  const phases = PHASE_NAMES.map((k) => `<span><i class="phase-key" style="background:${PHASE_COLORS[k]}"></i>${k}</span>`)
  const marks = ['crash', 'timeout', 'retry', 'worker', 'failed', 'skipped', 'cancelled'].map(
    (k) => `<span><b style="color:${INSTANT_COLORS[k]}">▼</b>${words[k] ?? k}</span>`,
  )
  return `<div class="legend">${items.join('')}${phases.join('')}${marks.join('')}</div>`
}

const CSS = `
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#212121;background:#fff}
h1{font-size:18px;margin:0}h1 small{font-weight:normal;color:#757575}
header p{margin:4px 0 8px;color:#424242}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0 10px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle;border-radius:2px}
.legend b{margin-right:4px;font-size:11px}
.legend i.phase-key{height:4px}
.scroll{overflow-x:auto}
svg{font-size:11px;width:100%;min-width:800px;height:auto;display:block}
.axis line{stroke:#e0e0e0}.axis text{fill:#616161;text-anchor:middle}
.band{fill:transparent}.row:nth-child(even) .band{fill:#f7f7f7}
.label{fill:#212121}.name{fill:#fff;pointer-events:none}
.bar{stroke:#fff;stroke-width:.5}.bar:hover{stroke:#000;stroke-width:1.5}
.waits .bar{opacity:.35}
.mark{stroke-dasharray:4 3}
#tip{position:fixed;pointer-events:none;background:#263238;color:#fff;padding:6px 8px;border-radius:4px;white-space:pre;font:12px/1.35 ui-monospace,monospace;max-width:640px;overflow:hidden;z-index:2}
`

// Native <title> tooltips work without JS; with JS they become a hover box.
const JS = `
window.addEventListener('error', function (e) { document.body.dataset.error = String(e.message) })
;(function () {
  var tip = document.getElementById('tip')
  document.querySelectorAll('#chart title').forEach(function (t) {
    t.parentNode.setAttribute('data-tip', t.textContent)
    t.remove()
  })
  document.getElementById('chart').addEventListener('mousemove', function (ev) {
    var el = ev.target.closest('[data-tip]')
    if (!el) { tip.hidden = true; return }
    tip.textContent = el.getAttribute('data-tip')
    tip.hidden = false
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px'
    tip.style.top = Math.min(ev.clientY + 14, window.innerHeight - tip.offsetHeight - 8) + 'px'
  })
  document.getElementById('chart').addEventListener('mouseleave', function () { tip.hidden = true })
  document.body.dataset.rendered = String(document.querySelectorAll('#chart .bar').length)
})()
`
