// Pass D: the task specs (templates, options, fan-outs), then the instances, their
// dependencies and the topological order: the compiled graph.
import {
  IndexExpr,
  ItemExpr,
  RefExpr,
  SubExpr,
  type CmdSpec,
  type CompiledGraph,
  type Fanout,
  type InstanceSpec,
  type OutputMode,
  type PathPart,
  type TaskOptions,
  type TaskSpec,
  type Template,
} from '../../model.js'
import {InstanceIndex} from '../instance-index.js'
import {mergedEnv, resolveCwd, resolveOptions, setsOptions, type OptionLayer} from '../options.js'
import {EMPTY, layersOf, type CompileContext, type Draft} from './context.js'
import {MAX_INSTANCES} from './draft.js'
import type {TemplatePass} from './templates.js'
import {dict} from '../../../core/dict.js'

const NO_ENV: Readonly<Record<string, Template>> = Object.freeze({})
const NO_FANOUT: Fanout = Object.freeze({kind: 'none'})

export class BuildPass {
  constructor(
    private readonly ctx: CompileContext,
    private readonly templates: TemplatePass,
  ) {}

  /** options by optionsKey: tasks that share every layer that sets options share one object */
  private optionCache = new Map<string, TaskOptions>()

  private options(layers: readonly OptionLayer[], kind: 'fn' | 'cmd'): TaskOptions {
    const taskLayer = layers[layers.length - 1]!
    // a task's own options make its key unique: caching it would only grow the map
    if (setsOptions(taskLayer)) return resolveOptions(layers, kind)
    // the defaults layer is every task's: the key is the kind and the function layer, if it sets options
    const fnLayer = layers.length > 1 ? layers[layers.length - 2]! : undefined
    const key = `${kind}\u0000${fnLayer && fnLayer.path[0] === 'functions' && setsOptions(fnLayer) ? String(fnLayer.path[1]) : ''}`
    let o = this.optionCache.get(key)
    if (o === undefined) this.optionCache.set(key, (o = resolveOptions(layers, kind)))
    return o
  }

  buildTasks(): Map<string, TaskSpec> {
    // instance indexes, in file order of tasks then index
    let next = 0
    for (const d of this.ctx.drafts.values()) {
      const n = d.fan === 'dynamic' ? 1 : d.count
      if (next + n > MAX_INSTANCES) {
        this.ctx.reportAt(d.pos, `the graph makes more than ${MAX_INSTANCES} instances`)
        return new Map()
      }
      const idxs = new Array<number>(n)
      for (let i = 0; i < n; i++) idxs[i] = next + i
      d.idxs = idxs
      next += n
    }
    const specs = new Map<string, TaskSpec>()
    const drafts = this.ctx.drafts
    // one dep, the common case, needs no sort: the spec shares the draft's array (dropped with it)
    const inFileOrder = (ids: readonly string[]): readonly string[] =>
      ids.length < 2 ? (ids.length === 0 ? EMPTY : ids) : ids.slice().sort((a, b) => drafts.get(a)!.ix - drafts.get(b)!.ix)
    for (const d of this.ctx.drafts.values()) {
      const kind = d.kind ?? 'fn'
      const base: PathPart[] = ['tasks', d.id]
      const cmd: CmdSpec | null =
        d.kind !== 'cmd'
          ? null
          : typeof d.raw.cmd === 'string'
            ? {kind: 'shell', script: d.raw.cmd}
            : {kind: 'argv', argv: Array.isArray(d.raw.cmd) ? (this.templates.template(d.raw.cmd, [...base, 'cmd']) as Template[]) : []}
      let env: Readonly<Record<string, Template>> = NO_ENV
      const layers = layersOf(d)
      if (layers.some((l) => l.data.env !== undefined)) {
        const own = dict<Template>()
        for (const [k, e] of mergedEnv(layers)) own[k] = this.templates.template(e.value, e.path)
        env = Object.freeze(own)
      }
      let fanout: Fanout
      switch (d.fan) {
        case 'items':
          fanout = {kind: 'items', items: this.templates.template(d.items, [...base, 'foreach']) as unknown[]}
          break
        case 'zip':
          fanout = {kind: 'zip', source: d.foreachRef!.ref.task}
          break
        case 'dynamic': {
          const source = this.templates.resolveRef(d.foreachRef!.ref, d.foreachRef!.path, `${this.ctx.sigil}ref ${d.foreachRef!.ref.task}`)
          fanout = source ? {kind: 'dynamic', source} : NO_FANOUT
          break
        }
        default:
          fanout = NO_FANOUT
      }
      const output = d.raw.output
      specs.set(
        d.id,
        Object.freeze({
          id: d.id,
          pos: d.pos,
          kind,
          fn: d.fn,
          cmd,
          args: Array.isArray(d.raw.args) ? (this.templates.template(d.raw.args, [...base, 'args']) as Template[]) : EMPTY,
          stdin: d.raw.stdin === undefined ? undefined : this.templates.template(d.raw.stdin, [...base, 'stdin']),
          output: (output === 'json' || output === 'lines' ? output : 'text') as OutputMode,
          env,
          cwd: resolveCwd(layers, this.ctx.dir),
          options: this.options(layers, kind),
          fanout,
          inputs: kind === 'cmd' && Array.isArray(d.raw.inputs) ? Object.freeze(d.raw.inputs.filter((g): g is string => typeof g === 'string')) : EMPTY,
          after: Array.isArray(d.raw.after) ? d.raw.after.filter((a): a is string => typeof a === 'string' && this.ctx.drafts.has(a)) : EMPTY,
          deps: inFileOrder(d.deps),
          instances: d.idxs,
        }),
      )
    }
    return specs
  }

  assemble(specs: Map<string, TaskSpec>, order: readonly Draft[], outputs: string[]): CompiledGraph {
    const instances: InstanceSpec[] = []
    const drafts = this.ctx.drafts
    // one visitor for the whole graph (not two closures per task): it adds to `into`
    let into: number[] = []
    const addRef = (r: RefExpr) => {
      const t = drafts.get(r.task)!
      if (r.instance === null) for (const i of t.idxs) into.push(i)
      else into.push(t.idxs[r.instance]!)
    }
    const collect = (value: unknown, to: number[]) => {
      into = to
      if (value !== null && typeof value === 'object') visitRefs(value, addRef)
    }
    for (const spec of specs.values()) {
      const d = drafts.get(spec.id)!
      const common: number[] = []
      collect(spec.args, common)
      collect(spec.stdin, common)
      if (spec.env !== NO_ENV) collect(spec.env, common)
      if (spec.cmd?.kind === 'argv') collect(spec.cmd.argv, common)
      for (const a of spec.after) for (const i of drafts.get(a)!.idxs) common.push(i)
      if (spec.fanout.kind === 'dynamic') collect(spec.fanout.source, common)
      // a copy of its exact length: `common` grew by push to 17 slots, and frozen as it is a
      // one-dep array held 194 bytes (65 as a copy; node --expose-gc, 100,000 of them)
      const shared: readonly number[] = common.length === 0 ? EMPTY : Object.freeze(sortedUnique(common).slice())
      const fanout = spec.fanout
      if (fanout.kind === 'items' || fanout.kind === 'zip') {
        const src = fanout.kind === 'zip' ? drafts.get(fanout.source)! : undefined
        for (let i = 0; i < d.count; i++) {
          let item: Template
          let deps: readonly number[] = shared
          if (src) {
            item = new RefExpr(src.id, i, EMPTY)
            deps = withExtra(shared, [src.idxs[i]!])
          } else {
            item = (fanout as {items: readonly unknown[]}).items[i]
            if (item !== null && typeof item === 'object') {
              const extra: number[] = []
              collect(item, extra)
              if (extra.length > 0) deps = withExtra(shared, extra)
            }
          }
          instances.push({idx: d.idxs[i]!, task: spec, index: i, name: `${spec.id}[${i}]`, deps, item, marker: false})
        }
      } else {
        instances.push({idx: d.idxs[0]!, task: spec, index: null, name: spec.id, deps: shared, item: undefined, marker: fanout.kind === 'dynamic'})
      }
    }
    const instanceByName = new InstanceIndex(instances)
    const topo: number[] = []
    for (const d of order) for (const i of d.idxs) topo.push(i)
    const stem = this.ctx.abs.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')
    return Object.freeze({
      file: this.ctx.abs,
      dir: this.ctx.dir,
      name: typeof this.ctx.root.name === 'string' ? this.ctx.root.name : stem,
      description: typeof this.ctx.root.description === 'string' ? this.ctx.root.description : undefined,
      tasks: Object.freeze([...specs.values()]),
      taskById: specs,
      instances: Object.freeze(instances),
      instanceByName,
      order: Object.freeze(topo),
      outputs: Object.freeze(outputs),
      include: Object.freeze(Array.isArray(this.ctx.root.include) ? this.ctx.root.include.filter((g): g is string => typeof g === 'string') : []),
    })
  }
}

function withExtra(shared: readonly number[], extra: number[]): readonly number[] {
  if (shared.length === 0 && extra.length === 1) return extra
  return sortedUnique([...shared, ...extra])
}

/** ascending, without duplicates (in place) */
function sortedUnique(xs: number[]): number[] {
  if (xs.length < 2) return xs
  xs.sort((a, b) => a - b)
  let n = 1
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[n - 1]) xs[n++] = xs[i]!
  xs.length = n
  return xs
}

/** Every RefExpr in a template (SubExpr parts included). */
function visitRefs(value: unknown, visit: (r: RefExpr) => void): void {
  if (value instanceof RefExpr) visit(value)
  else if (value instanceof SubExpr) {
    for (const p of value.parts) if (p instanceof RefExpr) visit(p)
  } else if (Array.isArray(value)) {
    for (const v of value) visitRefs(v, visit)
  } else if (value !== null && typeof value === 'object' && !(value instanceof ItemExpr) && !(value instanceof IndexExpr)) {
    for (const v of Object.values(value)) visitRefs(v, visit)
  }
}
