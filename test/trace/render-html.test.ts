import test from 'ava'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {RunEvent} from '../../src/core/events.js'
import {OUTCOME_COLORS, buildTrace, renderTraceHtml} from '../../src/trace/index.js'
import {MIN_BAR_W} from '../../src/trace/render-html.js'
import {dumpDom, findChromium, screenshot} from './chromium.js'
import {colourCounts, readPng} from './png.js'
import {syntheticRun} from './synthetic-run.js'

const events = syntheticRun()
const html = renderTraceHtml(events)

test('self-contained: no network resources, inline style and script', (t) => {
  t.notRegex(html, /https?:\/\//)
  t.notRegex(html, /<(script|link|img|iframe)[^>]+(src|href)=/i)
  t.notRegex(html, /url\(/)
  t.regex(html, /^<!doctype html>/)
  t.regex(html, /<style>/)
  t.regex(html, /<script>/)
})

test('a row per worker and cmd slot, a bar per attempt and wait, a legend, a time axis', (t) => {
  for (const row of ['scheduler (waits)', 'worker 101', 'worker 102', 'worker 103', 'cmd slot 1', 'cmd slot 2']) t.true(html.includes(`>${row}</text>`), row)
  t.is(html.match(/<rect class="bar /g)?.length, 30)
  t.is(html.match(/<rect class="bar crash"/g)?.length, 1)
  t.is(html.match(/<rect class="bar timeout"/g)?.length, 1)
  t.is(html.match(/<rect class="bar failed"/g)?.length, 1)
  for (const k of ['succeeded', 'failed', 'crash', 'timeout', 'cancelled']) t.true(html.includes(`</i>${k}</span>`), `legend ${k}`)
  t.true(html.includes('>70 ms</text>'))
  t.true(html.includes('CrashError: worker 102 died (SIGKILL)'))
})

test('the same from a trace as from events; text is escaped', (t) => {
  t.is(renderTraceHtml(buildTrace(events)), html)
  const evil = syntheticRun().map((e) => (e.type === 'run-start' ? {...e, graph: '<script>alert(1)</script>'} : e))
  const out = renderTraceHtml(evil)
  t.false(out.includes('<script>alert(1)'))
  t.true(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
})

test.serial('opens in headless Chromium without errors and draws a non-blank chart', (t) => {
  const chromium = findChromium()
  if (!chromium) {
    t.log('SKIPPED: chromium is not installed (apt-get install -y chromium)')
    t.pass()
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'rayts-trace-html-'))
  try {
    const file = join(dir, 'timeline.html')
    writeFileSync(file, html)
    const dom = dumpDom(chromium, file)
    t.regex(dom, /<body data-rendered="30"/, 'the script ran to the end and found every bar')
    t.notRegex(dom, /data-error=/)

    const png = join(dir, 'shot.png')
    screenshot(chromium, file, png)
    t.true(existsSync(png), 'a screenshot was written')
    t.true(statSync(png).size > 5000, 'the screenshot is not tiny')
    const img = readPng(readFileSync(png))
    t.is(img.width, 1200)
    const colours = colourCounts(img)
    t.true(colours.size > 20, `many colours (${colours.size})`)
    const hex = (c: string) => Number.parseInt(c.slice(1), 16)
    for (const k of ['succeeded', 'crash', 'timeout', 'failed'] as const) {
      t.true((colours.get(hex(OUTCOME_COLORS[k]!)) ?? 0) > 30, `${k} bars are drawn`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('every bar is at least MIN_BAR_W wide (a 1 ms attempt in a minute-long run); axis labels share one unit, from 0 s', (t) => {
  const T = 1_000_000_000
  const s = (sec: number) => T + Math.round(sec * 1e6)
  const insts = [{idx: 0, name: 'long', task: 'long', index: null}, {idx: 1, name: 'blip', task: 'blip', index: null}]
  const run: RunEvent[] = [
    {type: 'run-start', t: T, wallMs: 0, runId: 'r', graph: 'g', file: 'g.yaml', capacity: {cpu: 2}, instances: insts, outputs: ['long', 'blip']},
    {type: 'worker-start', t: T, pid: 7},
    {type: 'start', t: T, inst: 0, attempt: 1, pid: 7},
    {type: 'start', t: s(30), inst: 1, attempt: 1, pid: null},
    {type: 'succeeded', t: s(30.001), inst: 1, attempt: 1, pid: null, startedAt: s(30), value: 1},
    {type: 'succeeded', t: s(60), inst: 0, attempt: 1, pid: 7, startedAt: T, value: 1},
    {type: 'run-end', t: s(60), state: 'succeeded'},
  ]
  const out = renderTraceHtml(run)
  const widths = [...out.matchAll(/<rect class="bar [^"]*" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]))
  t.true(widths.length >= 2)
  for (const w of widths) t.true(w >= MIN_BAR_W, `bar ${w} wide`)
  const labels = [...out.matchAll(/<g class="axis">(.*?)<\/g>/g)][0]![1]!.match(/>[^<]+<\/text>/g)!.map((l) => l.slice(1, -7))
  t.is(labels[0], '0 s')
  t.true(labels.every((l) => l.endsWith(' s')), labels.join(', '))
})
