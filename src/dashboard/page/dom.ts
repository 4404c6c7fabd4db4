/// <reference lib="dom" />
// Building the page's elements. Text from the store is only ever set as text (textContent,
// attribute values), never parsed as HTML: a value holding `<script>` shows as those characters.

type Child = Node | string | null | undefined | false

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

export function append(el: Node, children: readonly Child[]): void {
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
 * Puts `rows` in `body`, keeping the element of every row whose key (`attr`) was there before:
 * an unchanged row is left alone and a changed one is updated in place. A refresh never swaps
 * the element under the user's pointer, so a click that lands during a redraw is not lost.
 * Listeners belong on `body` (delegated), not on the rows, whose attributes and cells change.
 */
export function syncRows(body: HTMLElement, attr: string, rows: readonly HTMLTableRowElement[]): void {
  const kept = new Map<string, HTMLTableRowElement>()
  for (const tr of body.querySelectorAll<HTMLTableRowElement>(':scope > tr')) kept.set(tr.getAttribute(attr) ?? '', tr)
  const wanted = rows.map((fresh) => {
    const old = kept.get(fresh.getAttribute(attr) ?? '')
    if (!old) return fresh
    if (old.outerHTML !== fresh.outerHTML) {
      for (const a of [...old.attributes]) if (!fresh.hasAttribute(a.name)) old.removeAttribute(a.name)
      for (const a of fresh.attributes) old.setAttribute(a.name, a.value)
      old.replaceChildren(...fresh.childNodes)
    }
    return old
  })
  const same = wanted.length === body.children.length && wanted.every((tr, i) => body.children[i] === tr)
  if (!same) body.replaceChildren(...wanted)
}

export const STATE_ORDER = ['succeeded', 'running', 'ready', 'pending', 'retrying', 'failed', 'skipped', 'cancelled', 'lost'] as const

export function stateBadge(state: string): HTMLSpanElement {
  return h('span', {class: `badge s-${/^[a-z]+$/.test(state) ? state : 'other'}`}, state)
}

/** The page has drawn its data: tests wait for this, the benchmark reads the first mark's time. */
export function markReady(): void {
  document.body.dataset.ready = '1'
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1)
  if (performance.getEntriesByName('rayts-ready').length === 0) performance.mark('rayts-ready')
}
