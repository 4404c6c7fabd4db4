// A log-log chart as a self-contained SVG (no scripts, no fonts or other network resources),
// and the same wrapped in a small HTML page.
import {type LogLogChart, fraction, plottable, xDecades, yDecades} from './chart.js'

const W = 820
const H = 520
const M = {left: 80, right: 170, top: 50, bottom: 60}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;'})[c]!)
}

const f = (v: number): string => v.toFixed(1)

export function renderSvg(chart: LogLogChart, notes: readonly string[] = []): string {
  const xd = xDecades(chart)
  const yd = yDecades(chart)
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const px = (x: number): number => M.left + fraction(xd, x) * pw
  const py = (y: number): number => M.top + (1 - fraction(yd, y)) * ph
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    ...(notes.length > 0 ? [`<desc>${escapeXml(notes.join('\n'))}</desc>`] : []),
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ]
  // grid: decades strong, 2..9 faint
  for (let k = xd.lo; k <= xd.hi; k++) {
    for (let m = 1; m < 10 && (m === 1 || k < xd.hi); m++) {
      const x = f(px(m * 10 ** k))
      out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="${m === 1 ? '#bbbbbb' : '#eeeeee'}"/>`)
    }
    out.push(`<text x="${f(px(10 ** k))}" y="${M.top + ph + 18}" text-anchor="middle">${escapeXml(chart.xTick(10 ** k))}</text>`)
  }
  for (let k = yd.lo; k <= yd.hi; k++) {
    for (let m = 1; m < 10 && (m === 1 || k < yd.hi); m++) {
      const y = f(py(m * 10 ** k))
      out.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="${m === 1 ? '#bbbbbb' : '#eeeeee'}"/>`)
    }
    out.push(`<text x="${M.left - 8}" y="${f(py(10 ** k) + 4)}" text-anchor="end">${escapeXml(chart.yTick(10 ** k))}</text>`)
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`)
  out.push(`<text x="${M.left + pw / 2}" y="${H - 16}" text-anchor="middle">${escapeXml(chart.xLabel)} (log scale)</text>`)
  out.push(
    `<text x="20" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 20 ${M.top + ph / 2})">${escapeXml(chart.yLabel)} (log scale)</text>`,
  )
  for (const m of chart.marks ?? []) {
    if (!(m.x > 0) || !Number.isFinite(m.x)) continue
    const x = f(px(m.x))
    out.push(`<g class="mark"><line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#2e7d32" stroke-width="2" stroke-dasharray="6 4"/>`)
    out.push(`<text x="${f(px(m.x) + 6)}" y="${M.top + 16}" fill="#2e7d32">${escapeXml(m.label)}</text></g>`)
  }
  chart.series.forEach((s, i) => {
    const pts = plottable(s.points)
    const color = escapeXml(s.color)
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ')}"/>`)
    for (const p of pts) {
      out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="4" fill="${color}"><title>${escapeXml(`${s.name}: ${chart.xTick(p.x)} → ${chart.yTick(p.y)}`)}</title></circle>`)
    }
    const ly = M.top + 20 + i * 22
    out.push(`<line x1="${M.left + pw + 16}" y1="${ly}" x2="${M.left + pw + 44}" y2="${ly}" stroke="${color}" stroke-width="3"/>`)
    out.push(`<text x="${M.left + pw + 50}" y="${ly + 4}">${escapeXml(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n')
}

export function renderHtml(chart: LogLogChart, notes: readonly string[] = []): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeXml(chart.title)}</title>`,
    '<style>body{font-family:sans-serif;margin:24px;color:#222;background:#fff}p{max-width:820px}</style>',
    '</head><body>',
    renderSvg(chart),
    ...notes.map((n) => `<p>${escapeXml(n)}</p>`),
    '</body></html>',
    '',
  ].join('\n')
}
