// The cache key of one instance: a sha256 over its key parts, which are kept per instance so
// that `rayts why` can name the part that changed. A ref to an instance that has a key
// counts by that key (chained, as Nextflow and Bazel do), so a big result is never read
// to be hashed when the task that made it was itself keyed; any other ref counts by the
// content hash of its value.
import {IndexExpr, ItemExpr, RefExpr, SubExpr, type InstanceSpec, type Template} from '../graph/model.js'
import {hasExpr, resolve, type ResolveContext} from '../scheduler/resolve.js'
import {NO_OBJECTS} from '../scheduler/object-reads.js'
import {sha256Hex} from './sha256.js'
import {hashValue, type RefDigest} from './value-hash.js'

/**
 * bumped when the key's recipe changes: older entries then never match (2: a small plain
 * value counts by its encoding, not a hash of it)
 */
const KEY_FORMAT = 2

export interface KeyParts {
  readonly format: number
  readonly kind: 'fn' | 'cmd'
  /** fn: the module's code digest (module-code.ts) and the export */
  readonly module?: string
  readonly export?: string
  /** fn: each argument; cmd: each argv element (one, the script, for a shell command) */
  readonly args: readonly string[]
  /** the options that change a result, each hashed: env, cwd, num_returns / stdin, output */
  readonly options: Readonly<Record<string, string>>
  /** cmd: the contents of its `inputs:` files (path → sha256) */
  readonly inputs?: Readonly<Record<string, string>>
  /** the foreach item's hash (for `why`; it reaches the key through the arguments) */
  readonly item?: string
}

export interface KeyContext {
  readonly ctx: ResolveContext
  /** the keys of the instances a ref covers, or null when one of them has none */
  refKeys(ref: RefExpr): readonly string[] | null
  readonly refDigest: RefDigest
  /** hashTemplate(ctx.item) when already made: a bare `!item` is that (the item hashed once) */
  readonly itemHash?: string
}

/**
 * sha256 of JSON.stringify([format, kind, module, export, args, sorted options, sorted
 * inputs]), the text written out piece by piece: a task's options (and a cmd task's inputs)
 * are one object for all its instances, so their part is made once (keyOfReference is the
 * recipe in one line; the tests hold the two equal).
 */
export function keyOf(parts: KeyParts): string {
  const head = headOf(parts)
  return sha256Hex(`${head}${JSON.stringify(parts.args)},${sortedJson(parts.options)},${parts.inputs ? sortedJson(parts.inputs) : '[]'}]`)
}

export function keyOfReference(parts: KeyParts): string {
  return sha256Hex(JSON.stringify([parts.format, parts.kind, parts.module ?? '', parts.export ?? '', parts.args, sorted(parts.options), sorted(parts.inputs ?? {})]))
}

const sortedJsonOf = new WeakMap<object, string>()

/** the text before the arguments; the last one made is kept (instances of a task come together) */
let lastHead: {format: number; kind: string; module: string | undefined; export: string | undefined; text: string} | null = null

function headOf(p: KeyParts): string {
  const l = lastHead
  if (l && l.format === p.format && l.kind === p.kind && l.module === p.module && l.export === p.export) return l.text
  const text = `[${JSON.stringify(p.format)},${JSON.stringify(p.kind)},${JSON.stringify(p.module ?? '')},${JSON.stringify(p.export ?? '')},`
  lastHead = {format: p.format, kind: p.kind, module: p.module, export: p.export, text}
  return text
}

function sortedJson(o: Readonly<Record<string, string>>): string {
  let json = sortedJsonOf.get(o)
  if (json === undefined) sortedJsonOf.set(o, (json = JSON.stringify(sorted(o))))
  return json
}

/** the parts of a task that are the same for each of its instances, hashed once per task */
interface TaskParts {
  readonly options: Readonly<Record<string, string>> | null
  readonly args: readonly string[] | null
}

const taskParts = new WeakMap<InstanceSpec['task'], TaskParts>()

function staticParts(task: InstanceSpec['task']): TaskParts {
  let p = taskParts.get(task)
  if (p) return p
  const exprs = hasExpr(task.env) || (task.kind === 'cmd' && task.stdin !== undefined && hasExpr(task.stdin))
  const list = task.kind === 'fn' ? task.args : task.cmd?.kind === 'argv' ? task.cmd.argv : null
  const noRefs: KeyContext = {ctx: {item: undefined, index: null, refValue: () => undefined, objects: NO_OBJECTS}, refKeys: () => null, refDigest: () => ''}
  p = {
    options: exprs ? null : optionParts(task, noRefs),
    args: list === null ? [hashValue(`sh -c ${task.cmd?.kind === 'shell' ? task.cmd.script : ''}`)] : hasExpr(list) ? null : list.map((a) => hashTemplate(a, noRefs)),
  }
  taskParts.set(task, p)
  return p
}

function optionParts(task: InstanceSpec['task'], k: KeyContext): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of Object.keys(task.env).sort()) env[name] = hashTemplate(task.env[name], k)
  const options: Record<string, string> = {env: hashValue(env), cwd: hashValue(task.cwd)}
  if (task.kind === 'fn') options.num_returns = hashValue(task.options.numReturns)
  else {
    options.stdin = task.stdin === undefined ? hashValue(undefined) : hashTemplate(task.stdin, k)
    options.output = hashValue(task.output)
  }
  return options
}

export function keyParts(spec: InstanceSpec, k: KeyContext, module: string | undefined, inputs: Readonly<Record<string, string>> | undefined): KeyParts {
  const task = spec.task
  const fixed = staticParts(task)
  const options = fixed.options ?? optionParts(task, k)
  const item = spec.item === undefined ? undefined : hashTemplate(spec.item, k)
  // a bare `!item` resolves to ctx.item; when that is this plain item, its hash is `item`
  if (item !== undefined && Object.is(k.ctx.item, spec.item) && !hasExpr(spec.item)) k = {...k, itemHash: item}
  if (task.kind === 'fn') {
    return {format: KEY_FORMAT, kind: 'fn', module, export: task.fn?.export, args: fixed.args ?? task.args.map((a) => hashTemplate(a, k)), options, item}
  }
  const cmd = task.cmd!
  const args = fixed.args ?? (cmd.kind === 'argv' ? cmd.argv.map((a) => hashTemplate(a, k)) : [])
  return {format: KEY_FORMAT, kind: 'cmd', args, options, inputs: inputs ?? {}, item}
}

/**
 * A small primitive as a key part of its own: `=` (no hex digit: the parts `why` keeps are
 * told from hashes by it) and an encoding that tells apart what
 * hashValue does (1 and "1", -0 and 0, NaN and null), or null. The key's one sha256 covers
 * it: a foreach item hashed on its own cost a second sha256 per instance (~0.5 µs, and a
 * Buffer) on a fully cached run, whose runner does nothing else.
 */
function shortPart(v: unknown): string | null {
  switch (typeof v) {
    case 'number':
      // String() of a number is exact and one-to-one, but for -0
      return Object.is(v, -0) ? '=d-0' : `=d${v}`
    case 'string': {
      if (v.length > 32) return null
      const json = JSON.stringify(v)
      return json.length <= 34 ? `=s${json}` : null
    }
    case 'boolean':
      return v ? '=T' : '=F'
    case 'undefined':
      return '=u'
    default:
      return v === null ? '=n' : null
  }
}

/** a value's part: by its encoding when small, else by its content hash */
function byValue(v: unknown, k: KeyContext): string {
  return shortPart(v) ?? `v${hashValue(v, k.refDigest)}`
}

/** a template's hash: its plain parts by value, refs to keyed instances by their keys */
export function hashTemplate(t: Template, k: KeyContext): string {
  if (!hasExpr(t)) return byValue(t, k)
  if (t instanceof RefExpr) {
    const keys = k.refKeys(t)
    if (keys !== null) return `k${hashValue([t.instance === null ? 'all' : 'one', keys, t.path])}`
    return byValue(resolve(t, k.ctx), k)
  }
  if (t instanceof ItemExpr) {
    if (k.itemHash !== undefined && t.path.length === 0) return k.itemHash
    const item = k.ctx.item
    // a zip fan-out's item is an instance of its source: count it by that instance's key
    if (item instanceof RefExpr) return hashTemplate(new RefExpr(item.task, item.instance, [...item.path, ...t.path]), k)
    return byValue(resolve(t, k.ctx), k)
  }
  if (t instanceof IndexExpr || t instanceof SubExpr) return byValue(resolve(t, k.ctx), k)
  if (Array.isArray(t)) return `A${hashValue(t.map((x) => hashTemplate(x, k)))}`
  const o = t as Record<string, unknown>
  return `P${hashValue(Object.keys(o).map((key) => [key, hashTemplate(o[key], k)]))}`
}

function sorted(o: Readonly<Record<string, string>>): [string, string][] {
  return Object.keys(o)
    .sort()
    .map((key) => [key, o[key]!])
}
