// Generated graphs for the scale tests and measurements: one graph as data, written in three
// spellings (YAML one line per task, YAML block style, JSON). Tags are the JSON spelling's
// one-key objects ({$ref: 'a'}); the YAML writers turn them into !ref a.

export type GraphData = Record<string, unknown>
export type Spelling = 'flow' | 'block' | 'json'
export type Shape = 'wide' | 'deep' | 'fan-in' | 'mixed' | 'independent'

export const NOOP_MODULE = `export function noop(x) { return x ?? 0 }
export function add(a, b) { return a + b }
export function pair(x) { return [x, x] }
`

const HEADER = {version: 1, module: './noop.mjs', defaults: {num_cpus: 1, max_retries: 0}}

/** n independent no-op tasks from one foreach */
export function wide(n: number): GraphData {
  return {...HEADER, tasks: {t: {fn: 'noop', foreach: {range: n}, args: [{$index: true}]}}}
}

/** a chain of n tasks, each fed the previous result */
export function deep(n: number): GraphData {
  const tasks: Record<string, unknown> = {t0: {fn: 'noop', args: [0]}}
  for (let i = 1; i < n; i++) tasks[`t${i}`] = {fn: 'noop', args: [{$ref: `t${i - 1}`}]}
  return {...HEADER, tasks}
}

/** about n tasks: n/2 leaves (one foreach) reduced pairwise by `add` */
export function fanIn(n: number): GraphData {
  const leaves = Math.max(1, Math.ceil(n / 2))
  const tasks: Record<string, unknown> = {l0: {fn: 'noop', foreach: {range: leaves}, args: [{$index: true}]}}
  let level = Array.from({length: leaves}, (_, i) => `l0.${i}`)
  for (let depth = 1; level.length > 1; depth++) {
    const next: string[] = []
    for (let i = 0; i + 1 < level.length; i += 2) {
      const id = `r${depth}_${i / 2}`
      tasks[id] = {fn: 'add', args: [{$ref: level[i]}, {$ref: level[i + 1]}]}
      next.push(id)
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!)
    level = next
  }
  return {...HEADER, tasks}
}

/** n unrelated one-line tasks (a fault sweep's 8.3 MB file of 229,891 tasks was of this kind) */
export function independent(n: number): GraphData {
  const tasks: Record<string, unknown> = {}
  for (let i = 0; i < n; i++) tasks[`t${i}`] = {fn: 'noop', args: [i % 10]}
  return {...HEADER, tasks}
}

/**
 * About n tasks using every tag, fan-out kind and option layer, in groups of ten:
 * refs with paths and instances, !item paths, !index, !sub, env, cmd tasks, after, zips.
 */
export function mixed(n: number): GraphData {
  const tasks: Record<string, unknown> = {}
  const groups = Math.max(1, Math.floor(n / 10))
  for (let g = 0; g < groups; g++) {
    tasks[`src${g}`] = {fn: 'pair', args: [g], num_returns: 2}
    tasks[`list${g}`] = {fn: 'noop', foreach: [{a: g}, {a: g + 1, b: [{$ref: `src${g}.1`}]}], args: [{$item: 'a'}, {$index: true}]}
    tasks[`zip${g}`] = {fn: 'add', foreach: {$ref: `list${g}`}, args: [{$item: true}, {$ref: `src${g}.0`}]}
    tasks[`sh${g}`] = {cmd: 'echo "$X"', env: {X: {$ref: `zip${g}.1`}}, output: 'text', timeout: '5s'}
    tasks[`argv${g}`] = {cmd: ['echo', {$sub: `g=${g} \${src${g}.1} $\${x}`}, {$ref: `list${g}`}], stdin: {k: [{$ref: `sh${g}`}]}, output: 'lines'}
    tasks[`rng${g}`] = {fn: 'noop', foreach: {range: [g % 5, 10, 3]}, args: [{$index: true}], max_calls: 2, env: {I: {$item: true}}}
    tasks[`agg${g}`] = {fn: 'noop', args: [{all: {$ref: `rng${g}`}, one: {$ref: `rng${g}[1]`}}], after: [`argv${g}`], retry_exceptions: ['ValueError', 'exit:3']}
    tasks[`dyn${g}`] = {fn: 'noop', foreach: {$ref: `agg${g}`}, args: [{$item: true}]}
    tasks[`q${g}`] = {fn: 'f', args: ['yes', 'null', '1e3', '#x', 'a: b', '', ' lead', 'multi\nline', -0.5, true, null], resources: {gpu: 0.5}}
    tasks[`last${g}`] = {fn: 'noop', args: [{$ref: `dyn${g}`}, {$ref: `q${g}`}], cwd: '.', backoff: 2, retry_delay: '100ms'}
  }
  return {
    version: 1,
    name: 'mixed',
    module: './noop.mjs',
    defaults: {max_retries: 1, env: {BASE: 'x'}},
    functions: {f: {export: 'noop', num_cpus: 0.5}},
    tasks,
    outputs: Object.keys(tasks).filter((id) => id.startsWith('last')),
  }
}

export function generate(shape: Shape, n: number): GraphData {
  switch (shape) {
    case 'wide':
      return wide(n)
    case 'deep':
      return deep(n)
    case 'fan-in':
      return fanIn(n)
    case 'mixed':
      return mixed(n)
    case 'independent':
      return independent(n)
  }
}

/** The file text of `data` in a spelling; tasks one a line (flow, json) or as block maps. */
export function write(data: GraphData, spelling: Spelling): string {
  if (spelling === 'json') return writeJson(data)
  const lines: string[] = []
  for (const [key, value] of Object.entries(data)) {
    if (key !== 'tasks') {
      lines.push(`${plain(key)}: ${flow(value)}`)
      continue
    }
    lines.push('tasks:')
    for (const [id, task] of Object.entries(value as Record<string, unknown>)) {
      if (spelling === 'flow') lines.push(`  ${id}: ${flow(task)}`)
      else block(task, '    ', lines, `  ${id}:`)
    }
  }
  return lines.join('\n') + '\n'
}

/** JSON laid out like the flow YAML: a top-level key a line, a task a line (so tasks share lines). */
function writeJson(data: GraphData): string {
  const lines: string[] = []
  const entries = Object.entries(data)
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : ''
    const head = `${i === 0 ? '{' : ''}${JSON.stringify(key)}: `
    if (key !== 'tasks') {
      lines.push(`${head}${JSON.stringify(value)}${comma}`)
      return
    }
    lines.push(`${head}{`)
    const tasks = Object.entries(value as Record<string, unknown>)
    tasks.forEach(([id, t], j) => lines.push(`  ${JSON.stringify(id)}: ${JSON.stringify(t)}${j < tasks.length - 1 ? ',' : ''}`))
    lines.push(`}${comma}`)
  })
  return lines.join('\n') + '}\n'
}

function tagOf(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined
  const keys = Object.keys(v)
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined
  const tag = keys[0]!.slice(1)
  const arg = (v as Record<string, unknown>)[keys[0]!]
  return arg === true ? `!${tag}` : `!${tag} ${plain(String(arg))}`
}

const PLAIN = /^[A-Za-z_][\w.-]*$/
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i

function plain(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s)
}

function flow(v: unknown): string {
  const tag = tagOf(v)
  if (tag !== undefined) return tag
  if (typeof v === 'string') return plain(v)
  if (v === null || typeof v !== 'object') return String(v)
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`
  return `{${Object.entries(v).map(([k, x]) => `${plain(k)}: ${flow(x)}`).join(', ')}}`
}

/** `head` then the value in block style, indented by `indent` (scalars and tags stay on the head line). */
function block(v: unknown, indent: string, lines: string[], head: string): void {
  const isCollection = v !== null && typeof v === 'object' && tagOf(v) === undefined && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)
  if (!isCollection) {
    lines.push(`${head} ${flow(v)}`)
    return
  }
  lines.push(head)
  if (Array.isArray(v)) for (const x of v) block(x, indent + '  ', lines, `${indent}-`)
  else for (const [k, x] of Object.entries(v as object)) block(x, indent + '  ', lines, `${indent}${plain(k)}:`)
}
