/// <reference lib="dom" />
// Building the page's elements. Text from the store is only ever set as text (textContent,
// attribute values), never parsed as HTML: a value holding `<script>` shows as those characters.

export type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined | null> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c)
  }
}

export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild)
  append(el, children)
}

/**
 * Puts `rows` in `body`, keeping the element of every row whose key (`attr`) was there before,
 * and within it every node that did not change: a refresh never swaps the element under the
 * user's pointer (a row, the link in it), so a click that lands during a redraw is not lost.
 * Listeners belong on `body` (delegated), not on the rows, whose contents change.
 */
export function syncRows(body: HTMLElement, attr: string, rows: readonly HTMLTableRowElement[]): void {
  const kept = new Map<string, HTMLTableRowElement>()
  for (const tr of body.querySelectorAll<HTMLTableRowElement>(':scope > tr')) kept.set(tr.getAttribute(attr) ?? '', tr)
  const wanted = rows.map((fresh) => {
    const old = kept.get(fresh.getAttribute(attr) ?? '')
    if (!old) return fresh
    morph(old, fresh)
    return old
  })
  const same = wanted.length === body.children.length && wanted.every((tr, i) => body.children[i] === tr)
  if (!same) body.replaceChildren(...wanted)
}

/** make `old` look like `fresh`, changing only what differs (same tags are kept, in place) */
function morph(old: Element, fresh: Element): void {
  if (old.isEqualNode(fresh)) return
  for (const a of [...old.attributes]) if (!fresh.hasAttribute(a.name)) old.removeAttribute(a.name)
  for (const a of fresh.attributes) if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value)
  const from = old.childNodes
  const to = [...fresh.childNodes]
  const alike = from.length === to.length && to.every((n, i) => n.nodeType === from[i]!.nodeType && n.nodeName === from[i]!.nodeName)
  if (!alike) {
    old.replaceChildren(...to)
    return
  }
  to.forEach((n, i) => {
    const o = from[i]!
    if (o instanceof Element && n instanceof Element) morph(o, n)
    else if (o.nodeValue !== n.nodeValue) o.nodeValue = n.nodeValue
  })
}

export const STATE_ORDER = ['succeeded', 'cached', 'running', 'ready', 'pending', 'retrying', 'failed', 'skipped', 'cancelled', 'lost'] as const

export function stateBadge(state: string): HTMLSpanElement {
  return h('span', {class: `badge s-${/^[a-z]+$/.test(state) ? state : 'other'}`}, state)
}

/** The page has drawn its data: tests wait for this, the benchmark reads the first mark's time. */
export function markReady(): void {
  document.body.dataset.ready = '1'
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1)
  if (performance.getEntriesByName('rayts-ready').length === 0) performance.mark('rayts-ready')
}
