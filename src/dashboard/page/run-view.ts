/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// One run: progress, the instance table (a page at a time, filtered on the server), the
// selected instance's attempts, value and logs, the run's logs, its task graph and timeline.
import {getJson, onChange, postCancel, type InstanceDetail, type InstanceRow, type LogRow, type RunSummary} from './api.js'
import {type Child, h, markReady, replace, stateBadge, STATE_ORDER, syncRows} from './dom.js'
import {count, micros, millis, when} from './format.js'

const PAGE = 100
const LOG_TAIL = 200
const MAX_LOG_SHOWN = 2000
const GRAPH_EVERY_MS = 2000

interface View {
  offset: number
  state: string
  task: string
  search: string
  selected: string | null
}

const active = (state: string): boolean => state === 'running' || state === 'submitted'

function progress(run: RunSummary): HTMLElement {
  const bar = h('div', {class: 'bar', role: 'img', 'aria-label': 'progress by state'})
  const legend = h('div', {class: 'legend'})
  const states = [...STATE_ORDER.filter((s) => (run.counts[s] ?? 0) > 0), ...Object.keys(run.counts).filter((k) => !(STATE_ORDER as readonly string[]).includes(k))]
  for (const s of states) {
    const n = run.counts[s] ?? 0
    const seg = h('span', {class: `seg s-${/^[a-z]+$/.test(s) ? s : 'other'}`, title: `${n} ${s}`})
    seg.style.width = `${run.total === 0 ? 0 : (100 * n) / run.total}%`
    bar.appendChild(seg)
    legend.appendChild(h('span', {class: 'item', 'data-state': s}, stateBadge(s), ` ${count(n)}`))
  }
  return h('div', {id: 'progress'}, bar, legend)
}

function errorBlock(e: InstanceDetail['error']): HTMLElement | null {
  if (!e) return null
  return h(
    'div',
    {class: 'error'},
    h('div', {}, h('b', {}, `${e.name}: `), e.message, e.exitCode !== undefined ? ` (exit ${e.exitCode})` : '', e.signal ? ` (${e.signal})` : ''),
    e.stack ? h('pre', {class: 'stack'}, e.stack) : null,
  )
}

export async function showRun(main: HTMLElement, runId: string): Promise<void> {
  const base = `/api/runs/${encodeURIComponent(runId)}`
  // ?instance=NAME opens with that instance shown: a link to it can be shared
  const view: View = {offset: 0, state: '', task: '', search: '', selected: new URLSearchParams(location.search).get('instance')}
  let run: RunSummary | null = null

  const title = h('h1', {})
  const meta = h('p', {class: 'meta'})
  const cancel = h('button', {id: 'cancel', type: 'button', class: 'danger', hidden: true}, 'Cancel run')
  const cancelNote = h('span', {id: 'cancel-note', class: 'muted'})
  const prog = h('div', {})
  const stateSel = h('select', {id: 'f-state', 'aria-label': 'state'}, h('option', {value: ''}, 'all states'))
  const taskSel = h('select', {id: 'f-task', 'aria-label': 'task'}, h('option', {value: ''}, 'all tasks'))
  const search = h('input', {id: 'f-search', type: 'search', placeholder: 'search names', 'aria-label': 'search'})
  const tbody = h('tbody')
  const pager = h('span', {id: 'pager', class: 'muted'})
  const prev = h('button', {type: 'button', id: 'prev'}, '‹ prev')
  const next = h('button', {type: 'button', id: 'next'}, 'next ›')
  const detail = h('section', {id: 'detail', class: 'panel', hidden: true})
  const logs = h('pre', {id: 'logs', class: 'logs', hidden: true})
  const noLogs = h('p', {class: 'muted'}, 'no output yet')
  const following = h('span', {class: 'muted small'}, '(following)')
  const graph = h('img', {id: 'graph', alt: 'task graph', loading: 'lazy', src: `${base}/graph.svg`})
  const timeline = h('details', {id: 'timeline'}, h('summary', {}, 'Timeline (Gantt)'))
  const graphView = new GraphRefresh(graph, base)

  replace(
    main,
    h('nav', {class: 'crumbs'}, h('a', {href: '/'}, '← all runs')),
    h('div', {class: 'head'}, title, h('div', {class: 'actions'}, cancelNote, cancel)),
    meta,
    prog,
    h('section', {class: 'panel'}, h('h2', {}, 'Instances'), h('div', {class: 'filters'}, stateSel, taskSel, search, h('span', {class: 'spacer'}), pager, prev, next),
      h('table', {id: 'instances', class: 'grid'}, h('thead', {}, h('tr', {}, ...['name', 'task', 'state', 'attempt', 'pid', 'duration', 'error'].map((c) => h('th', {}, c)))), tbody)),
    detail,
    h('section', {class: 'panel'}, h('h2', {}, 'Logs ', following), noLogs, logs),
    h('section', {class: 'panel'}, h('h2', {}, 'Task graph'), h('div', {class: 'graph'}, graph)),
    h('section', {class: 'panel'}, timeline, h('p', {}, h('a', {href: `${base}/trace.json`, download: `${runId}.trace.json`, id: 'trace-download'}, 'Download the Chrome trace'), h('span', {class: 'muted'}, ' (open it in chrome://tracing or ui.perfetto.dev)'))),
  )

  timeline.addEventListener('toggle', () => {
    if (timeline.open && !timeline.querySelector('iframe')) timeline.appendChild(h('iframe', {src: `${base}/timeline.html`, title: 'timeline'}))
  })

  armCancel(cancel, cancelNote, runId, () => refresh())

  const pick = (tr: HTMLTableRowElement): void => {
    view.selected = tr.getAttribute('data-name')
    if (view.selected === null) return
    history.replaceState(null, '', `?${new URLSearchParams({instance: view.selected})}`)
    for (const other of tbody.querySelectorAll('tr.selected')) other.classList.remove('selected')
    tr.classList.add('selected')
    void loadDetail()
  }
  const rowOf = (ev: Event): HTMLTableRowElement | null => (ev.target instanceof Element ? ev.target.closest<HTMLTableRowElement>('tbody > tr') : null)
  tbody.addEventListener('click', (ev) => {
    const tr = rowOf(ev)
    if (tr) pick(tr)
  })
  tbody.addEventListener('keydown', (ev) => {
    const tr = rowOf(ev)
    if (tr && ev.key === 'Enter') pick(tr)
  })

  const loadTable = async (): Promise<void> => {
    const q = new URLSearchParams({offset: String(view.offset), limit: String(PAGE)})
    if (view.state) q.set('state', view.state)
    if (view.task) q.set('task', view.task)
    if (view.search) q.set('q', view.search)
    const page = await getJson<{total: number; offset: number; rows: InstanceRow[]}>(`${base}/instances?${q}`)
    syncRows(
      tbody,
      'data-name',
      page.rows.map((r) =>
        h(
          'tr',
          {'data-name': r.name, 'data-state': r.state, class: r.name === view.selected ? 'selected' : undefined, tabindex: 0},
          h('td', {class: 'name'}, r.name),
          h('td', {}, r.task),
          h('td', {}, stateBadge(r.state)),
          h('td', {class: 'num'}, r.attempt > 0 ? String(r.attempt) : ''),
          h('td', {class: 'num'}, r.pid === null ? '' : String(r.pid)),
          h('td', {class: 'num'}, micros(r.durationUs)),
          h('td', {}, r.errorKind ?? ''),
        ),
      ),
    )
    const end = Math.min(page.total, page.offset + page.rows.length)
    pager.textContent = page.total === 0 ? 'no instances match' : `${count(page.offset + 1)}–${count(end)} of ${count(page.total)}`
    prev.disabled = page.offset === 0
    next.disabled = end >= page.total
  }

  const loadDetail = async (): Promise<void> => {
    if (view.selected === null) return
    const name = view.selected
    const d = await getJson<InstanceDetail>(`${base}/instance?${new URLSearchParams({name})}`)
    if (view.selected !== name) return
    const instLogs = await getJson<{lines: LogRow[]}>(`${base}/logs?${new URLSearchParams({name, tail: String(LOG_TAIL)})}`)
    detail.hidden = false
    replace(detail, ...instanceView(d, instLogs.lines, base, name))
  }

  const runLogs = new LogTail(base, logs, noLogs)

  const loadSummary = async (): Promise<void> => {
    const s = await getJson<{run: RunSummary; tasks: {task: string; count: number}[]}>(base)
    run = s.run
    document.title = `${s.run.graph ?? runId} · rayts dashboard`
    replace(title, s.run.graph ?? '(not started)', ' ', h('small', {class: 'muted'}, s.run.id), ' ', h('span', {id: 'run-state'}, stateBadge(s.run.state)))
    replace(meta, `started ${when(s.run.startedMs ?? s.run.createdMs)}`, ` · ${millis(s.run.durationMs)}`, ` · ${count(s.run.total)} instances`, s.run.file ? ` · ${s.run.file}` : '', ` · host ${s.run.host}`)
    replace(prog, progress(s.run))
    cancel.hidden = !active(s.run.state)
    following.hidden = !active(s.run.state)
    noLogs.textContent = active(s.run.state) ? 'no output yet' : 'no output'
    document.body.dataset.runState = s.run.state
    const states = new Set([...STATE_ORDER, ...Object.keys(s.run.counts)])
    if (stateSel.options.length !== states.size + 1) replace(stateSel, h('option', {value: ''}, 'all states'), ...[...states].map((st) => h('option', {value: st}, st)))
    stateSel.value = view.state
    if (taskSel.options.length !== s.tasks.length + 1) replace(taskSel, h('option', {value: ''}, 'all tasks'), ...s.tasks.map((t) => h('option', {value: t.task}, `${t.task} (${count(t.count)})`)))
    taskSel.value = view.task
  }

  const refresh = async (): Promise<void> => {
    await Promise.all([loadSummary(), loadTable(), runLogs.append(), view.selected !== null ? loadDetail() : null])
    if (run) graphView.update(run)
    markReady()
  }

  const refilter = (): void => {
    view.offset = 0
    view.state = stateSel.value
    view.task = taskSel.value
    view.search = search.value.trim()
    void loadTable()
  }
  stateSel.addEventListener('change', refilter)
  taskSel.addEventListener('change', refilter)
  let typing: ReturnType<typeof setTimeout> | null = null
  search.addEventListener('input', () => {
    if (typing) clearTimeout(typing)
    typing = setTimeout(refilter, 200)
  })
  prev.addEventListener('click', () => {
    view.offset = Math.max(0, view.offset - PAGE)
    void loadTable()
  })
  next.addEventListener('click', () => {
    view.offset += PAGE
    void loadTable()
  })

  await refresh()
  onChange(refresh, document.getElementById('live'))
}

/** the cancel button: a first click arms it for 4 s, a second one cancels the run */
function armCancel(cancel: HTMLButtonElement, note: HTMLElement, runId: string, refresh: () => Promise<void>): void {
  let armed: ReturnType<typeof setTimeout> | null = null
  cancel.addEventListener('click', () => {
    if (!armed) {
      cancel.textContent = 'Click again to cancel'
      armed = setTimeout(() => {
        armed = null
        cancel.textContent = 'Cancel run'
      }, 4000)
      return
    }
    clearTimeout(armed)
    armed = null
    cancel.disabled = true
    cancel.textContent = 'Cancelling…'
    void postCancel(runId).then((r) => {
      note.textContent = r.ok ? `run ${r.message}` : r.message
      cancel.textContent = 'Cancel run'
      cancel.disabled = false
      return refresh()
    })
  })
}

/** the selected instance: its attempts, value and logs */
function instanceView(d: InstanceDetail, lines: readonly LogRow[], base: string, name: string): Child[] {
  return [
    h('h2', {}, 'Instance ', h('span', {class: 'mono'}, d.name), ' ', stateBadge(d.state)),
    h('p', {class: 'meta'}, `task ${d.task}`, d.pid !== null ? ` · pid ${d.pid}` : '', d.durationUs !== null ? ` · ${micros(d.durationUs)}` : ''),
    d.waitsFor === null ? null : h('p', {id: 'waits-for', class: 'meta'}, `waits for ${d.waitsFor}`),
    h('h3', {}, 'Attempts'),
    d.attempts.length === 0
      ? h('p', {class: 'muted'}, 'not started yet')
      : h('table', {class: 'grid', id: 'attempts'}, h('thead', {}, h('tr', {}, ...['attempt', 'state', 'pid', 'duration', 'error'].map((c) => h('th', {}, c)))),
          h('tbody', {}, ...d.attempts.map((a) => h('tr', {}, h('td', {class: 'num'}, String(a.attempt)), h('td', {}, stateBadge(a.state)), h('td', {class: 'num'}, a.pid === null ? '' : String(a.pid)), h('td', {class: 'num'}, micros(a.durationUs)), h('td', {}, errorBlock(a.error)))))),
    d.attempts.length === 0 ? errorBlock(d.error) : null,
    h('h3', {}, 'Value'),
    d.preview === null
      ? h('p', {class: 'muted'}, d.state === 'succeeded' ? 'no value stored' : ['pending', 'ready', 'running', 'retrying'].includes(d.state) ? 'no value yet' : `no value: ${d.state}`)
      : h('div', {}, h('pre', {id: 'value-preview', class: 'value'}, d.preview), d.truncated ? h('p', {class: 'muted'}, 'preview cut short: download it for all of it') : null,
          h('a', {id: 'value-download', href: `${base}/value?${new URLSearchParams({name})}`, download: `${name}.json`}, 'Download the value (JSON)')),
    h('h3', {}, 'Logs'),
    lines.length === 0 ? h('p', {class: 'muted'}, 'no output') : h('pre', {class: 'logs'}, lines.map((l) => l.text).join('')),
  ]
}

/** the run's logs, followed: the last lines first, then what comes after them */
class LogTail {
  private lastId = 0

  constructor(
    private readonly base: string,
    private readonly logs: HTMLElement,
    private readonly none: HTMLElement,
  ) {}

  async append(): Promise<void> {
    const {logs} = this
    const q = this.lastId === 0 ? `tail=${LOG_TAIL}` : `after=${this.lastId}`
    const {lines} = await getJson<{lines: LogRow[]}>(`${this.base}/logs?${q}`)
    if (lines.length === 0) return
    this.lastId = lines[lines.length - 1]!.id
    logs.hidden = false
    this.none.hidden = true
    const follow = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 8
    for (const l of lines) logs.appendChild(h('span', {class: l.stream === 'stderr' ? 'err' : undefined}, h('span', {class: 'who'}, `${l.name} `), l.text.endsWith('\n') ? l.text : `${l.text}\n`))
    while (logs.childNodes.length > MAX_LOG_SHOWN) logs.removeChild(logs.firstChild!)
    if (follow) logs.scrollTop = logs.scrollHeight
  }
}

/**
 * The task graph's picture. At most one every GRAPH_EVERY_MS while the run goes on, but a
 * change held back by that limit is drawn when it ends, and the run's end at once: the
 * picture never stays behind the run (it stopped at 12/16 done on a run that had ended).
 */
class GraphRefresh {
  private last = Date.now()
  /** the run's state and counts when the graph was last fetched: a change asks for a new one */
  private drawn = ''
  private later: ReturnType<typeof setTimeout> | null = null
  private run: RunSummary | null = null

  constructor(
    private readonly img: HTMLImageElement,
    private readonly base: string,
  ) {}

  /** the run's latest summary */
  update(run: RunSummary): void {
    this.run = run
    this.draw()
  }

  private draw(): void {
    const run = this.run
    if (!run) return
    const shows = JSON.stringify([run.state, run.counts])
    if (shows === this.drawn) return
    if (this.drawn === '') {
      this.drawn = shows // the first summary: the picture loaded with the page shows it
      return
    }
    const wait = this.last + GRAPH_EVERY_MS - Date.now()
    if (active(run.state) && wait > 0) {
      this.later ??= setTimeout(() => {
        this.later = null
        this.draw()
      }, wait)
      return
    }
    this.drawn = shows
    this.last = Date.now()
    this.img.src = `${this.base}/graph.svg?t=${this.last}`
  }
}
