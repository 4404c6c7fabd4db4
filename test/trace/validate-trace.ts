// A checker for the Chrome Trace Event Format, written against the format's document
// ("Trace Event Format", Google, the JSON Array / JSON Object forms). It checks what a
// viewer needs to draw a trace, per phase; not rayts-specific properties.
//
// - every event: `ph` (a known phase), `name` (string), `ts` (finite number, µs),
//   `pid` and `tid` (numbers or strings); `cat` and `args`, when present, a string / an object
// - X: `dur` a finite number ≥ 0
// - B/E: on each thread an E closes an open B, in ts order
// - i/I: `s`, when present, one of g, p, t
// - s/t/f: `id` (string or number) and `cat`; every flow id has one s and one f (same
//   cat), the f not before the s; `bp`, when present, is `e`
// - b/n/e (async): `id` and `cat`
// - C: `args` an object of numbers
// - M: a known metadata name; `args.name` a string for *_name / *_labels, `args.sort_index`
//   a number for *_sort_index
// - top level: an array of events, or an object with a `traceEvents` array;
//   `displayTimeUnit`, when present, `ms` or `ns`

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'V', 'v', 'R', 'c', '(', ')'])
const METADATA = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index'])

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isId = (v: unknown): boolean => typeof v === 'string' || isNum(v)

/** The problems of a trace, each naming the event: empty when it is valid. */
export function validateTrace(trace: unknown): string[] {
  const problems: string[] = []
  let events: unknown[]
  if (Array.isArray(trace)) events = trace
  else if (isObj(trace) && Array.isArray(trace['traceEvents'])) {
    events = trace['traceEvents']
    const unit = trace['displayTimeUnit']
    if (unit !== undefined && unit !== 'ms' && unit !== 'ns') problems.push(`displayTimeUnit must be "ms" or "ns", not ${JSON.stringify(unit)}`)
  } else return ['a trace is an array of events or an object with a traceEvents array']

  const flows = new Map<string, {s: number[]; f: number[]}>()
  const open = new Map<string, number[]>()
  events.forEach((e, i) => {
    const at = (msg: string) => problems.push(`event #${i}${isObj(e) ? ` (${String(e['ph'])} ${JSON.stringify(e['name'])})` : ''}: ${msg}`)
    if (!isObj(e)) return at('not an object')
    const ph = e['ph']
    if (typeof ph !== 'string' || !PHASES.has(ph)) return at(`unknown phase ${JSON.stringify(ph)}`)
    if (typeof e['name'] !== 'string') at('name must be a string')
    if (!isNum(e['ts'])) at('ts must be a finite number')
    if (!isId(e['pid'])) at('pid must be a number or string')
    if (!isId(e['tid'])) at('tid must be a number or string')
    if (e['cat'] !== undefined && typeof e['cat'] !== 'string') at('cat must be a string')
    if (e['args'] !== undefined && !isObj(e['args'])) at('args must be an object')
    const thread = `${String(e['pid'])}/${String(e['tid'])}`
    switch (ph) {
      case 'X':
        if (!isNum(e['dur']) || e['dur'] < 0) at('dur must be a number ≥ 0')
        break
      case 'B':
        open.set(thread, [...(open.get(thread) ?? []), Number(e['ts'])])
        break
      case 'E': {
        const stack = open.get(thread) ?? []
        const b = stack.pop()
        if (b === undefined) at('E without an open B on its thread')
        else if (Number(e['ts']) < b) at('E before its B')
        break
      }
      case 'i':
      case 'I':
        if (e['s'] !== undefined && !['g', 'p', 't'].includes(e['s'] as string)) at('s must be g, p or t')
        break
      case 's':
      case 't':
      case 'f': {
        if (!isId(e['id'])) at('flow events need an id')
        if (typeof e['cat'] !== 'string') at('flow events need a cat')
        if (e['bp'] !== undefined && e['bp'] !== 'e') at('bp must be "e"')
        const key = `${String(e['cat'])}\u0000${String(e['id'])}`
        const f = flows.get(key) ?? {s: [], f: []}
        flows.set(key, f)
        if (ph === 's') f.s.push(Number(e['ts']))
        if (ph === 'f') f.f.push(Number(e['ts']))
        break
      }
      case 'b':
      case 'n':
      case 'e':
        if (!isId(e['id'])) at('async events need an id')
        if (typeof e['cat'] !== 'string') at('async events need a cat')
        break
      case 'C':
        if (!isObj(e['args']) || !Object.values(e['args']).every(isNum)) at('counter args must be an object of numbers')
        break
      case 'M': {
        const name = e['name'] as string
        const args = e['args']
        if (!METADATA.has(name)) at(`unknown metadata ${JSON.stringify(name)}`)
        else if (name.endsWith('_sort_index')) {
          if (!isObj(args) || !isNum(args['sort_index'])) at('args.sort_index must be a number')
        } else if (!isObj(args) || typeof args['name'] !== 'string' && !(name === 'process_labels' && typeof args['labels'] === 'string')) {
          at('args.name must be a string')
        }
        break
      }
      default:
        break
    }
  })
  for (const [key, f] of flows) {
    const id = key.split('\u0000').join(' #')
    if (f.s.length !== 1) problems.push(`flow ${id}: ${f.s.length} start (s) events, want 1`)
    if (f.f.length !== 1) problems.push(`flow ${id}: ${f.f.length} finish (f) events, want 1`)
    if (f.s.length === 1 && f.f.length === 1 && f.f[0]! < f.s[0]!) problems.push(`flow ${id}: finishes before it starts`)
  }
  for (const [thread, stack] of open) if (stack.length > 0) problems.push(`thread ${thread}: ${stack.length} B without E`)
  return problems
}

/** Throws with every problem when the trace is not valid. */
export function assertValidTrace(trace: unknown): void {
  const problems = validateTrace(trace)
  if (problems.length > 0) throw new Error(`invalid trace:\n${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n… ${problems.length - 20} more` : ''}`)
}
