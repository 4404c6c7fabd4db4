// Values shown the way numpy shows arrays: one line, typed arrays and long lists truncated
// with `…` and their length given, long strings cut, nesting bounded.
//
//   Float64Array(20) [0.5312, -1.2, 0.07, …, 1.9]     [1, 2, 3]     {a: 1, b: "x"}
//   Buffer(1024) <de ad be ef …>   Map(2) {"a" => 1, "b" => 2}   Set(1) {1}   123n
//   "a long string…" (5000 chars)  2024-01-01T00:00:00.000Z

export interface FormatOptions {
  /** items shown of an array, typed array, Map, Set or object before `…` (default 6: 3 first, 3 last) */
  readonly maxItems?: number
  /** characters of a string before it is cut (default 60) */
  readonly maxString?: number
  /** nesting shown before `[Array(3)]` / `{…}` (default 3) */
  readonly maxDepth?: number
}

interface Ctx {
  readonly maxItems: number
  readonly maxString: number
  readonly maxDepth: number
  readonly seen: Set<object>
}

type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array

export function formatValue(value: unknown, opts: FormatOptions = {}): string {
  const ctx: Ctx = {
    maxItems: Math.max(1, opts.maxItems ?? 6),
    maxString: Math.max(1, opts.maxString ?? 60),
    maxDepth: opts.maxDepth ?? 3,
    seen: new Set(),
  }
  return fmt(value, 0, ctx)
}

/** A number the short way numpy prints array items: 4 significant digits, exponent when far from 1. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return Object.is(x, -0) ? '-0' : String(x)
  const a = Math.abs(x)
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return x.toExponential(3).replace(/\.?0+e/, 'e')
  return String(Number(x.toPrecision(4)))
}

function fmt(v: unknown, depth: number, ctx: Ctx): string {
  switch (typeof v) {
    case 'string':
      return fmtString(v, ctx)
    case 'number':
      return String(v)
    case 'bigint':
      return `${v}n`
    case 'boolean':
      return String(v)
    case 'undefined':
      return 'undefined'
    case 'symbol':
      return v.toString()
    case 'function':
      return `[Function ${v.name || 'anonymous'}]`
  }
  if (v === null) return 'null'
  const o = v as object
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString()
  if (Buffer.isBuffer(o)) return fmtBuffer(o, ctx)
  if (ArrayBuffer.isView(o) && !(o instanceof DataView)) return fmtTyped(o as TypedArray, ctx)
  if (o instanceof ArrayBuffer) return `ArrayBuffer(${o.byteLength})`
  if (o instanceof DataView) return `DataView(${o.byteLength})`
  if (o instanceof Error) return `${o.name}: ${o.message}`
  if (o instanceof RegExp) return String(o)
  if (ctx.seen.has(o)) return '[Circular]'
  if (Array.isArray(o)) {
    if (depth >= ctx.maxDepth) return `[Array(${o.length})]`
    return nested(o, ctx, () => {
      const parts = pick(o.length, ctx.maxItems, (i) => fmt(o[i], depth + 1, ctx))
      const body = `[${parts.join(', ')}]`
      return o.length > ctx.maxItems ? `Array(${o.length}) ${body}` : body
    })
  }
  if (o instanceof Map) {
    if (depth >= ctx.maxDepth) return `Map(${o.size}) {…}`
    return nested(o, ctx, () => {
      const entries = [...o.entries()]
      const parts = pick(entries.length, ctx.maxItems, (i) => `${fmt(entries[i]![0], depth + 1, ctx)} => ${fmt(entries[i]![1], depth + 1, ctx)}`)
      return `Map(${o.size}) {${parts.join(', ')}}`
    })
  }
  if (o instanceof Set) {
    if (depth >= ctx.maxDepth) return `Set(${o.size}) {…}`
    return nested(o, ctx, () => {
      const items = [...o]
      const parts = pick(items.length, ctx.maxItems, (i) => fmt(items[i], depth + 1, ctx))
      return `Set(${o.size}) {${parts.join(', ')}}`
    })
  }
  const keys = Object.keys(o)
  if (depth >= ctx.maxDepth) return keys.length === 0 ? '{}' : '{…}'
  return nested(o, ctx, () => {
    const rec = o as Record<string, unknown>
    const shown = keys.length > ctx.maxItems ? keys.slice(0, ctx.maxItems) : keys
    const parts = shown.map((k) => `${fmtKey(k)}: ${fmt(rec[k], depth + 1, ctx)}`)
    if (keys.length > shown.length) parts.push(`…+${keys.length - shown.length} keys`)
    return `{${parts.join(', ')}}`
  })
}

function nested(o: object, ctx: Ctx, body: () => string): string {
  ctx.seen.add(o)
  try {
    return body()
  } finally {
    ctx.seen.delete(o)
  }
}

/** The first and last items of n, `…` between when n > max. */
function pick(n: number, max: number, item: (i: number) => string): string[] {
  if (n <= max) return Array.from({length: n}, (_, i) => item(i))
  const head = Math.ceil(max / 2)
  const tail = max - head
  const out: string[] = []
  for (let i = 0; i < head; i++) out.push(item(i))
  out.push('…')
  for (let i = n - tail; i < n; i++) out.push(item(i))
  return out
}

function fmtString(s: string, ctx: Ctx): string {
  if (s.length <= ctx.maxString) return JSON.stringify(s)
  return `${JSON.stringify(s.slice(0, ctx.maxString)).slice(0, -1)}…" (${s.length} chars)`
}

function fmtKey(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)
}

function fmtTyped(a: TypedArray, ctx: Ctx): string {
  const name = a.constructor.name
  const float = a instanceof Float32Array || a instanceof Float64Array
  const parts = pick(a.length, ctx.maxItems, (i) => {
    const x = a[i]!
    return typeof x === 'bigint' ? `${x}n` : float ? formatNumber(x) : String(x)
  })
  return `${name}(${a.length}) [${parts.join(', ')}]`
}

function fmtBuffer(b: Buffer, ctx: Ctx): string {
  const parts = pick(b.length, ctx.maxItems, (i) => b[i]!.toString(16).padStart(2, '0'))
  return `Buffer(${b.length}) <${parts.join(' ')}>`
}
