/// <reference lib="dom" />
// The runs list, newest first, refreshed whenever the store changes.
import {getJson, onChange, type RunSummary} from './api.js'
import {h, markReady, replace, stateBadge, STATE_ORDER, syncRows} from './dom.js'
import {count, millis, when} from './format.js'

function countsText(r: RunSummary): string {
  const parts = STATE_ORDER.filter((s) => (r.counts[s] ?? 0) > 0).map((s) => `${count(r.counts[s]!)} ${s}`)
  for (const [k, v] of Object.entries(r.counts)) if (!(STATE_ORDER as readonly string[]).includes(k)) parts.push(`${count(v)} ${k}`)
  return parts.join(' · ')
}

function row(r: RunSummary): HTMLTableRowElement {
  const link = h('a', {href: `/runs/${encodeURIComponent(r.id)}`}, r.graph ?? '(not started)')
  return h(
    'tr',
    {'data-run': r.id, 'data-state': r.state},
    h('td', {}, link, h('div', {class: 'muted small'}, r.id)),
    h('td', {}, stateBadge(r.state)),
    h('td', {}, when(r.startedMs ?? r.createdMs)),
    h('td', {class: 'num'}, millis(r.durationMs)),
    h('td', {class: 'num'}, count(r.total)),
    h('td', {class: 'small'}, countsText(r)),
  )
}

export async function showRuns(main: HTMLElement): Promise<void> {
  document.title = 'rayts dashboard'
  const body = h('tbody')
  const empty = h('p', {class: 'muted', hidden: true}, 'No runs yet in this store. Start one with `rayts run` or `rayts submit`: it shows up here.')
  replace(
    main,
    h('h1', {}, 'Runs'),
    h(
      'table',
      {id: 'runs', class: 'grid'},
      h('thead', {}, h('tr', {}, h('th', {}, 'graph'), h('th', {}, 'state'), h('th', {}, 'started'), h('th', {class: 'num'}, 'duration'), h('th', {class: 'num'}, 'tasks'), h('th', {}, 'counts'))),
      body,
    ),
    empty,
  )
  const refresh = async (): Promise<void> => {
    const {runs} = await getJson<{runs: RunSummary[]}>('/api/runs')
    syncRows(body, 'data-run', runs.map(row))
    empty.hidden = runs.length > 0
    markReady()
  }
  await refresh()
  onChange(refresh, document.getElementById('live'))
}
