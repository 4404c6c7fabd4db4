import {isAbsolute, resolve} from 'node:path'
import {
  IndexExpr,
  ItemExpr,
  RefExpr,
  SubExpr,
  type CmdSpec,
  type CompiledGraph,
  type Fanout,
  type FnCall,
  type InstanceSpec,
  type OutputMode,
  type PathPart,
  type SourcePos,
  type TaskOptions,
  type TaskSpec,
  type Template,
} from './model.js'
import {orderTasks} from './cycles.js'
import {InstanceIndex} from './instance-index.js'
import {exportedNames, mayExport, moduleError, moduleProblem} from './modules.js'
import {lastSet, mergedEnv, resolveCwd, resolveOptions, setsOptions, type OptionLayer} from './options.js'
import type {Locator} from './locate.js'
import type {Problem} from './problems.js'
import {parsePath, parseRefText, parseSubText, type RawRef} from './refs.js'
import {OPTION_KEYS} from './set.js'
import {didYouMean} from './suggest.js'
import {Tagged} from './tags.js'
import {mapTags} from './templates.js'

/** More instances than this in one graph is refused (memory), dynamic ones included. */
export const MAX_INSTANCES = 2_000_000

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

type FanKind = 'none' | 'items' | 'zip' | 'dynamic'

interface Draft {
  readonly id: string
  readonly raw: Obj
  readonly pos: SourcePos
  readonly kind: 'fn' | 'cmd' | null
  readonly layers: OptionLayer[]
  readonly fn: FnCall | null
  /** task ids this one depends on, with the data path of what made it so */
  readonly deps: Map<string, readonly PathPart[]>
  readonly foreachRef: {ref: RawRef; path: readonly PathPart[]} | null
  /** foreach items (list or expanded range), when static */
  items: readonly unknown[] | null
  fan: FanKind
  count: number
  numReturns: number
  idxs: number[]
}

const EMPTY: readonly never[] = Object.freeze([])
/** ids compared for "did you mean" in one compile (~1 s); later unknown ids get no suggestion */
const SUGGESTION_BUDGET = 5_000_000
const NO_ENV: Readonly<Record<string, Template>> = Object.freeze({})
const NO_FANOUT: Fanout = Object.freeze({kind: 'none'})

/** options whose values may hold no tag (env may: its values are templates) */
export const TAGLESS_OPTIONS: readonly string[] = OPTION_KEYS.filter((k) => k !== 'env')
const TAGLESS = new Set(TAGLESS_OPTIONS)

/** Semantic checks and compilation of a graph whose data passed (or mostly passed) the schema. */
export class Compiler {
  private readonly drafts = new Map<string, Draft>()
  private readonly root: Obj
  private readonly functions: Obj
  private readonly tasks: Obj
  /** ref texts, each parsed once (a text may stand in many places) */
  private readonly refs = new Map<string, RawRef | string>()

  constructor(
    root: unknown,
    private readonly locate: Locator,
    /** how the file spells tags in messages: `!ref` (YAML) or `$ref` (JSON) */
    private readonly sigil: '!' | '$',
    private readonly abs: string,
    private readonly dir: string,
    private readonly problems: Problem[],
  ) {
    this.root = isObj(root) ? root : {}
    this.functions = isObj(this.root.functions) ? this.root.functions : {}
    this.tasks = isObj(this.root.tasks) ? this.root.tasks : {}
  }

  private report(path: readonly PathPart[], message: string, key = false): void {
    this.problems.push(this.locate.problem(path, message, key))
  }

  private reportAt(pos: SourcePos, message: string): void {
    this.problems.push({file: pos.file, line: pos.line, col: pos.col, message})
  }

  private taskIds: string[] | undefined
  /** task ids compared for "did you mean" so far: a file with a typo in each of 100,000 refs would be quadratic */
  private suggestionWork = 0

  /** ` (did you mean "ID"?)` for an unknown task id, while the work budget lasts */
  private taskSuggestion(word: string): string {
    this.taskIds ??= Object.keys(this.tasks)
    this.suggestionWork += this.taskIds.length
    return this.suggestionWork > SUGGESTION_BUDGET ? '' : didYouMean(word, this.taskIds)
  }

  private parseRef(text: string): RawRef | string {
    let ref = this.refs.get(text)
    if (ref === undefined) this.refs.set(text, (ref = parseRefText(text)))
    return ref
  }

  compile(): CompiledGraph | undefined {
    this.checkModules()
    this.checkOptionTags()
    for (const id in this.tasks) {
      const raw = this.tasks[id]
      if (isObj(raw)) this.draft(id, raw)
    }
    const {order, cycles} = orderTasks([...this.drafts.keys()], (id) => this.drafts.get(id)?.deps.keys() ?? [])
    if (cycles.length > 0) {
      this.reportCycles(cycles)
      return undefined
    }
    for (const id of order) this.fanOut(this.drafts.get(id)!)
    const outputs = this.outputs()
    const before = this.problems.length
    // resolve every template once for the problems it holds, then build only if clean
    const specs = this.buildTasks()
    if (this.problems.length > before || this.problems.length > 0) return undefined
    return this.assemble(specs, order, outputs)
  }

  // ---- modules and functions ----

  private moduleAbs(written: unknown): string | undefined {
    return typeof written === 'string' ? (isAbsolute(written) ? written : resolve(this.dir, written)) : undefined
  }

  private checkModules(): void {
    const top = this.moduleAbs(this.root.module)
    if (top !== undefined) {
      const p = moduleProblem(top, String(this.root.module))
      if (p) this.report(['module'], p)
      else this.checkModuleText(top)
    }
    for (const [name, f] of Object.entries(this.functions)) {
      if (!isObj(f)) continue
      const own = this.moduleAbs(f.module)
      if (own !== undefined) {
        const p = moduleProblem(own, String(f.module))
        if (p) {
          this.report(['functions', name, 'module'], p)
          continue
        }
        this.checkModuleText(own)
      }
      const mod = own ?? top
      const exp = typeof f.export === 'string' ? f.export : name
      if (f.export instanceof Tagged || f.module instanceof Tagged) continue // reported as a misplaced tag
      if (mod === undefined) {
        this.report(['functions', name], `function "${name}" has no module: give it module: or set a top-level module:`, true)
      } else if (moduleProblem(mod, '') === undefined && !mayExport(mod, exp)) {
        const written = String(own !== undefined ? f.module : this.root.module)
        this.report(
          typeof f.export === 'string' ? ['functions', name, 'export'] : ['functions', name],
          `module ${written} has no export named "${exp}"${didYouMean(exp, exportedNames(mod))}`,
          typeof f.export !== 'string',
        )
      }
    }
  }

  private readonly checkedModules = new Set<string>()

  /** the defaults layer and a function's layer, made once and shared by the tasks */
  private readonly layerCache = new Map<string | undefined, readonly OptionLayer[]>()

  private sharedLayers(fn: string | undefined): readonly OptionLayer[] {
    const key = fn !== undefined && isObj(this.functions[fn]) ? fn : undefined
    let layers = this.layerCache.get(key)
    if (layers === undefined) {
      const out: OptionLayer[] = []
      if (isObj(this.root.defaults)) out.push({data: this.root.defaults, path: ['defaults']})
      if (key !== undefined) out.push({data: this.functions[key] as Obj, path: ['functions', key]})
      this.layerCache.set(key, (layers = out))
    }
    return layers
  }

  /** A module that does not parse is reported at its own FILE:LINE:COL, once. */
  private checkModuleText(abs: string): void {
    if (this.checkedModules.has(abs)) return
    this.checkedModules.add(abs)
    const e = moduleError(abs)
    if (e) this.problems.push({file: abs, line: e.line, col: e.col, message: e.message})
  }

  /** a function's call, shared by the tasks that call it (unknown functions are not kept: each task reports) */
  private readonly calls = new Map<string, FnCall>()
  private topModule: string | undefined | null = null

  private fnCall(id: string, raw: Obj): FnCall | null {
    const name = raw.fn
    if (typeof name !== 'string') return null
    const known = this.calls.get(name)
    if (known) return known
    if (this.topModule === null) this.topModule = this.moduleAbs(this.root.module)
    const top = this.topModule
    const f = this.functions[name]
    if (isObj(f)) {
      const mod = this.moduleAbs(f.module) ?? top
      if (mod === undefined) return null
      const call = Object.freeze({name, module: mod, export: typeof f.export === 'string' ? f.export : name})
      this.calls.set(name, call)
      return call
    }
    const candidates = Object.keys(this.functions)
    if (top === undefined || top === null) {
      this.report(['tasks', id, 'fn'], `unknown function "${name}": it is not in functions and there is no top-level module${didYouMean(name, candidates)}`)
      return null
    }
    if (moduleProblem(top, '') === undefined && !mayExport(top, name)) {
      this.report(
        ['tasks', id, 'fn'],
        `unknown function "${name}": it is not in functions and module ${String(this.root.module)} has no export by that name${didYouMean(name, [...candidates, ...exportedNames(top)])}`,
      )
      return {name, module: top, export: name}
    }
    const call = Object.freeze({name, module: top, export: name})
    this.calls.set(name, call)
    return call
  }

  // ---- options hold plain values ----

  /** A tag in an option other than env (cwd: !ref x) would be ignored: refuse it where it stands. */
  private checkOptionTags(): void {
    const plain = (holder: Obj, path: PathPart[], key: string) => {
      const v = holder[key]
      if (v instanceof Tagged) this.report([...path, key], `${this.sigil}${v.tag} is not allowed in ${key}: it takes a plain value`)
    }
    for (const key of ['name', 'description', 'module']) plain(this.root, [], key)
    for (const [name, f] of Object.entries(this.functions)) if (isObj(f)) for (const key of ['module', 'export']) plain(f, ['functions', name], key)
    const check = (data: Obj, path: () => PathPart[]) => {
      for (const key in data) {
        if (!TAGLESS.has(key)) continue
        mapTags(data[key], [...path(), key], (t, at) => {
          this.report(at, `${this.sigil}${t.tag} is not allowed in ${key}: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)`)
          return null
        })
      }
    }
    if (isObj(this.root.defaults)) check(this.root.defaults, () => ['defaults'])
    for (const [name, f] of Object.entries(this.functions)) if (isObj(f)) check(f, () => ['functions', name])
    for (const id in this.tasks) {
      const t = this.tasks[id]
      if (isObj(t)) check(t, () => ['tasks', id])
    }
  }

  // ---- pass A: one task's structure, refs and dependencies ----

  private draft(id: string, raw: Obj): void {
    const pos = this.locate.at(['tasks', id], true)
    const hasFn = Object.hasOwn(raw, 'fn')
    const hasCmd = Object.hasOwn(raw, 'cmd')
    let kind: 'fn' | 'cmd' | null = hasFn ? 'fn' : hasCmd ? 'cmd' : null
    if (hasFn && hasCmd) {
      this.report(['tasks', id, 'cmd'], `task ${id} has both fn and cmd: a task is exactly one of them`, true)
      kind = null
    } else if (!hasFn && !hasCmd) {
      this.report(['tasks', id], `task ${id} has neither fn nor cmd: a task is exactly one of them`, true)
    }
    if (kind === 'cmd') {
      for (const key of ['args', 'max_calls', 'num_returns']) {
        if (Object.hasOwn(raw, key)) this.report(['tasks', id, key], `${key} is for fn tasks only${key === 'args' ? ' (a cmd list holds its arguments)' : ''}`, true)
      }
    } else if (kind === 'fn') {
      for (const key of ['stdin', 'output']) {
        if (Object.hasOwn(raw, key)) this.report(['tasks', id, key], `${key} is for cmd tasks only`, true)
      }
    }
    const fn = kind === 'fn' ? this.fnCall(id, raw) : null
    const layers = [...this.sharedLayers(kind === 'fn' && typeof raw.fn === 'string' ? raw.fn : undefined), {data: raw, path: ['tasks', id]}]
    const nr = lastSet(layers, 'num_returns')?.value
    const deps = new Map<string, readonly PathPart[]>()
    const d: Draft = {
      id,
      raw,
      pos,
      kind,
      layers,
      fn,
      deps,
      foreachRef: null,
      items: null,
      fan: 'none',
      count: 1,
      numReturns: kind === 'fn' && typeof nr === 'number' && Number.isInteger(nr) && nr >= 1 ? nr : 1,
      idxs: [],
    }
    this.drafts.set(id, d)
    const inForeach = Object.hasOwn(raw, 'foreach')
    // refs anywhere a value may stand: record the dependency, check the syntax
    const scan = (value: unknown, path: PathPart[], itemOk: boolean) =>
      mapTags(value, path, (t, at) => {
        this.scanTag(d, t, itemOk, at)
        return null
      })
    if (typeof raw.cmd === 'string' || raw.cmd instanceof Tagged) {
      if (raw.cmd instanceof Tagged) {
        this.report(
          ['tasks', id, 'cmd'],
          'a string cmd may hold no tag: it runs as shell text exactly as written; pass results through env: {NAME: !ref ID} and write $NAME, or use a cmd list',
        )
      }
    } else scan(raw.cmd, ['tasks', id, 'cmd'], inForeach)
    scan(raw.args, ['tasks', id, 'args'], inForeach)
    scan(raw.stdin, ['tasks', id, 'stdin'], inForeach)
    if (layers.some((l) => l.data.env !== undefined)) for (const [, e] of mergedEnv(layers)) scan(e.value, e.path, inForeach)
    if (Array.isArray(raw.after)) {
      raw.after.forEach((a, i) => {
        if (typeof a !== 'string') return
        if (!Object.hasOwn(this.tasks, a)) this.report(['tasks', id, 'after', i], `unknown task "${a}" in after${this.taskSuggestion(a)}`)
        else if (!deps.has(a)) deps.set(a, ['tasks', id, 'after', i])
      })
    }
    const fe = raw.foreach
    if (fe instanceof Tagged) {
      const at = ['tasks', id, 'foreach']
      if (fe.tag !== 'ref') this.report(at, `foreach takes a list, {range: ...} or ${this.sigil}ref ID, not ${this.sigil}${fe.tag}`)
      else {
        const ref = this.scanTag(d, fe, false, at)
        if (ref) (d as {foreachRef: Draft['foreachRef']}).foreachRef = {ref, path: at}
      }
    } else if (Array.isArray(fe)) {
      scan(fe, ['tasks', id, 'foreach'], false)
      d.items = fe
    } else if (isObj(fe) && Object.hasOwn(fe, 'range')) {
      d.items = this.range(fe.range, ['tasks', id, 'foreach', 'range'])
    } else if (typeof fe === 'string') {
      this.report(['tasks', id, 'foreach'], 'foreach must be a list, {range: N}, {range: [start, stop, step]} or !ref ID')
    }
  }

  private range(r: unknown, path: PathPart[]): unknown[] | null {
    let start = 0
    let stop: number
    let step = 1
    if (typeof r === 'number' && Number.isInteger(r) && r >= 0) stop = r
    else if (Array.isArray(r) && r.length >= 2 && r.length <= 3 && r.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      ;[start, stop, step = 1] = r as number[]
      if (step === 0) {
        this.report(path, 'range step must not be 0')
        return null
      }
    } else return null
    const n = Math.max(0, Math.ceil((stop! - start) / step))
    if (n > MAX_INSTANCES) {
      this.report(path, `range makes ${n} instances (the limit is ${MAX_INSTANCES})`)
      return null
    }
    const items = new Array<number>(n)
    for (let i = 0; i < n; i++) items[i] = start + i * step
    return items
  }

  /** Check a tag's syntax and placement (at data path `at`); for a ref, record the dependency and return it. */
  private scanTag(d: Draft, t: Tagged, itemOk: boolean, at: readonly PathPart[]): RawRef | undefined {
    const s = this.sigil
    switch (t.tag) {
      case 'item':
      case 'index':
        if (!itemOk) this.report(at, `${s}${t.tag} is only allowed in a task with foreach (in its args, cmd, stdin or env)`)
        else if (t.tag === 'index' && t.text !== '') this.report(at, `${s}index takes no value`)
        else if (t.tag === 'item') {
          const p = parsePath(t.text, false)
          if (typeof p === 'string') this.report(at, `${s}item ${t.text}: ${p}`)
        }
        return undefined
      case 'ref':
        return this.scanRef(d, t.text, at, `${s}ref`)
      case 'sub': {
        const parts = parseSubText(t.text)
        if (typeof parts === 'string') {
          this.report(at, `${s}sub ${parts}`)
          return undefined
        }
        for (const p of parts) if ('ref' in p) this.scanRef(d, p.ref, at, `${s}sub \${...}`)
        return undefined
      }
    }
  }

  private scanRef(d: Draft, text: string, at: readonly PathPart[], what: string): RawRef | undefined {
    const ref = this.parseRef(text)
    if (typeof ref === 'string') {
      this.report(at, `${what} ${ref}`)
      return undefined
    }
    if (!Object.hasOwn(this.tasks, ref.task)) {
      this.report(at, `unknown task "${ref.task}"${this.taskSuggestion(ref.task)}`)
      return undefined
    }
    if (!d.deps.has(ref.task)) d.deps.set(ref.task, at)
    return ref
  }

  private reportCycles(cycles: string[][]): void {
    const fileOrder = new Map([...this.drafts.keys()].map((id, i) => [id, i]))
    const seen = new Set<string>()
    for (const c of cycles) {
      // as data flows: X -> Y when Y uses X; start at the task that comes first in the file
      const ring = c.slice(0, -1).reverse()
      let start = 0
      ring.forEach((id, i) => {
        if (fileOrder.get(id)! < fileOrder.get(ring[start]!)!) start = i
      })
      const rotated = [...ring.slice(start), ...ring.slice(0, start)]
      const key = [...rotated].sort().join(' ')
      if (seen.has(key)) continue
      seen.add(key)
      const first = rotated[0]!
      const prev = rotated[rotated.length - 1]!
      this.report(this.drafts.get(first)!.deps.get(prev)!, `cycle: ${[...rotated, first].join(' -> ')}`)
    }
  }

  // ---- pass C: fan-out kinds and instance counts, in dependency order ----

  private fanOut(d: Draft): void {
    if (d.items) {
      d.fan = 'items'
      d.count = d.items.length
    } else if (d.foreachRef) {
      const src = this.drafts.get(d.foreachRef.ref.task)!
      if (d.foreachRef.ref.path.length === 0 && (src.fan === 'items' || src.fan === 'zip')) {
        d.fan = 'zip'
        d.count = src.count
      } else {
        d.fan = 'dynamic'
        d.count = 1
      }
    } else if (Object.hasOwn(d.raw, 'foreach')) {
      d.fan = 'items'
      d.items = EMPTY
      d.count = 0
    }
  }

  private outputs(): string[] {
    const ids = [...this.drafts.keys()]
    if (Array.isArray(this.root.outputs)) {
      const out: string[] = []
      this.root.outputs.forEach((o, i) => {
        if (typeof o !== 'string') return
        if (!this.drafts.has(o)) this.report(['outputs', i], `unknown task "${o}" in outputs${this.taskSuggestion(o)}`)
        else if (!out.includes(o)) out.push(o)
      })
      return out
    }
    const used = new Set<string>()
    for (const d of this.drafts.values()) for (const dep of d.deps.keys()) used.add(dep)
    return ids.filter((id) => !used.has(id))
  }

  // ---- pass D: templates, options, specs ----

  private resolveRef(ref: RawRef, at: readonly PathPart[], text: string): RefExpr | null {
    const t = this.drafts.get(ref.task)!
    let path = ref.path
    let instance: number | null = null
    if (t.fan === 'items' || t.fan === 'zip') {
      if (path.length > 0) {
        const first = path[0]!
        if (typeof first !== 'number') {
          this.report(at, `${text}: ${t.id} fans out: refer to one instance (!ref ${t.id}.0) or to all (!ref ${t.id})`)
          return null
        }
        if (first >= t.count) {
          this.report(at, `${text}: instance ${first} is out of range: ${t.id} has ${t.count} instance${t.count === 1 ? '' : 's'}${t.count ? ` (0..${t.count - 1})` : ''}`)
          return null
        }
        instance = first
        path = path.slice(1)
      }
    } else if (t.fan === 'dynamic' && path.length > 0) {
      this.report(at, `${text}: ${t.id} fans out at run time, so its instances are not known yet: refer to all of it (!ref ${t.id})`)
      return null
    }
    if (t.numReturns > 1 && path.length > 0 && (instance !== null || t.fan === 'none')) {
      const part = path[0]!
      if (typeof part !== 'number' || part >= t.numReturns) {
        this.report(at, `${text}: ${t.id} has num_returns: ${t.numReturns}, so the part after it must be 0..${t.numReturns - 1}`)
        return null
      }
    }
    return new RefExpr(t.id, instance, path)
  }

  private template(value: unknown, path: PathPart[]): Template {
    return mapTags(value, path, (t, at) => this.expr(t, at))
  }

  private expr(t: Tagged, at: readonly PathPart[]): Template {
    switch (t.tag) {
      case 'ref': {
        const ref = this.parseRef(t.text)
        return typeof ref === 'string' || !this.drafts.has(ref.task) ? null : this.resolveRef(ref, at, `${this.sigil}ref ${t.text}`)
      }
      case 'item': {
        const p = parsePath(t.text, false)
        return new ItemExpr(typeof p === 'string' ? [] : p)
      }
      case 'index':
        return new IndexExpr()
      case 'sub': {
        const parts = parseSubText(t.text)
        if (typeof parts === 'string') return null
        return new SubExpr(
          parts.map((p) => {
            if ('lit' in p) return p.lit
            const ref = this.parseRef(p.ref)
            return (typeof ref !== 'string' && this.drafts.has(ref.task) && this.resolveRef(ref, at, `\${${p.ref}}`)) || ''
          }),
        )
      }
    }
  }

  /** options by optionsKey: tasks that share every layer that sets options share one object */
  private optionCache = new Map<string, TaskOptions>()

  private options(d: Draft, kind: 'fn' | 'cmd'): TaskOptions {
    const taskLayer = d.layers[d.layers.length - 1]!
    // a task's own options make its key unique: caching it would only grow the map
    if (setsOptions(taskLayer)) return resolveOptions(d.layers, kind)
    // the defaults layer is every task's: the key is the kind and the function layer, if it sets options
    const fnLayer = d.layers.length > 1 ? d.layers[d.layers.length - 2]! : undefined
    const key = `${kind}\u0000${fnLayer && fnLayer.path[0] === 'functions' && setsOptions(fnLayer) ? String(fnLayer.path[1]) : ''}`
    let o = this.optionCache.get(key)
    if (o === undefined) this.optionCache.set(key, (o = resolveOptions(d.layers, kind)))
    return o
  }

  private buildTasks(): Map<string, TaskSpec> {
    // instance indexes, in file order of tasks then index
    let next = 0
    for (const d of this.drafts.values()) {
      const n = d.fan === 'dynamic' ? 1 : d.count
      if (next + n > MAX_INSTANCES) {
        this.reportAt(d.pos, `the graph makes more than ${MAX_INSTANCES} instances`)
        return new Map()
      }
      const idxs = new Array<number>(n)
      for (let i = 0; i < n; i++) idxs[i] = next + i
      d.idxs = idxs
      next += n
    }
    const specs = new Map<string, TaskSpec>()
    const fileOrder = new Map<string, number>()
    for (const id of this.drafts.keys()) fileOrder.set(id, fileOrder.size)
    const inFileOrder = (ids: ReadonlyMap<string, unknown>): string[] => {
      const out = [...ids.keys()]
      return out.length < 2 ? out : out.sort((a, b) => fileOrder.get(a)! - fileOrder.get(b)!)
    }
    for (const d of this.drafts.values()) {
      const kind = d.kind ?? 'fn'
      const base: PathPart[] = ['tasks', d.id]
      const cmd: CmdSpec | null =
        d.kind !== 'cmd'
          ? null
          : typeof d.raw.cmd === 'string'
            ? {kind: 'shell', script: d.raw.cmd}
            : {kind: 'argv', argv: Array.isArray(d.raw.cmd) ? (this.template(d.raw.cmd, [...base, 'cmd']) as Template[]) : []}
      let env: Readonly<Record<string, Template>> = NO_ENV
      if (d.layers.some((l) => l.data.env !== undefined)) {
        const own: Record<string, Template> = {}
        for (const [k, e] of mergedEnv(d.layers)) own[k] = this.template(e.value, e.path)
        env = Object.freeze(own)
      }
      let fanout: Fanout
      switch (d.fan) {
        case 'items':
          fanout = {kind: 'items', items: this.template(d.items, [...base, 'foreach']) as unknown[]}
          break
        case 'zip':
          fanout = {kind: 'zip', source: d.foreachRef!.ref.task}
          break
        case 'dynamic': {
          const source = this.resolveRef(d.foreachRef!.ref, d.foreachRef!.path, `${this.sigil}ref ${d.foreachRef!.ref.task}`)
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
          args: Array.isArray(d.raw.args) ? (this.template(d.raw.args, [...base, 'args']) as Template[]) : EMPTY,
          stdin: d.raw.stdin === undefined ? undefined : this.template(d.raw.stdin, [...base, 'stdin']),
          output: (output === 'json' || output === 'lines' ? output : 'text') as OutputMode,
          env,
          cwd: resolveCwd(d.layers, this.dir),
          options: this.options(d, kind),
          fanout,
          after: Array.isArray(d.raw.after) ? d.raw.after.filter((a): a is string => typeof a === 'string' && this.drafts.has(a)) : EMPTY,
          deps: inFileOrder(d.deps),
          instances: d.idxs,
        }),
      )
    }
    return specs
  }

  // ---- instances, order, the graph ----

  private assemble(specs: Map<string, TaskSpec>, order: string[], outputs: string[]): CompiledGraph {
    const instances: InstanceSpec[] = []
    for (const spec of specs.values()) {
      const d = this.drafts.get(spec.id)!
      const common: number[] = []
      const addRef = (r: RefExpr, into: number[]) => {
        const t = this.drafts.get(r.task)!
        if (r.instance === null) for (const i of t.idxs) into.push(i)
        else into.push(t.idxs[r.instance]!)
      }
      const collect = (value: unknown, into: number[]) => {
        if (value !== null && typeof value === 'object') visitRefs(value, (r) => addRef(r, into))
      }
      collect(spec.args, common)
      collect(spec.stdin, common)
      if (spec.env !== NO_ENV) collect(spec.env, common)
      if (spec.cmd?.kind === 'argv') collect(spec.cmd.argv, common)
      for (const a of spec.after) for (const i of this.drafts.get(a)!.idxs) common.push(i)
      if (spec.fanout.kind === 'dynamic') addRef(spec.fanout.source, common)
      const shared: readonly number[] = common.length === 0 ? EMPTY : Object.freeze(sortedUnique(common))
      const fanout = spec.fanout
      if (fanout.kind === 'items' || fanout.kind === 'zip') {
        const src = fanout.kind === 'zip' ? this.drafts.get(fanout.source)! : undefined
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
    for (const id of order) for (const i of this.drafts.get(id)!.idxs) topo.push(i)
    const stem = this.abs.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')
    return Object.freeze({
      file: this.abs,
      dir: this.dir,
      name: typeof this.root.name === 'string' ? this.root.name : stem,
      description: typeof this.root.description === 'string' ? this.root.description : undefined,
      tasks: Object.freeze([...specs.values()]),
      taskById: specs,
      instances: Object.freeze(instances),
      instanceByName,
      order: Object.freeze(topo),
      outputs: Object.freeze(outputs),
      include: Object.freeze(Array.isArray(this.root.include) ? this.root.include.filter((g): g is string => typeof g === 'string') : []),
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
export function visitRefs(value: unknown, visit: (r: RefExpr) => void): void {
  if (value instanceof RefExpr) visit(value)
  else if (value instanceof SubExpr) {
    for (const p of value.parts) if (p instanceof RefExpr) visit(p)
  } else if (Array.isArray(value)) {
    for (const v of value) visitRefs(v, visit)
  } else if (value !== null && typeof value === 'object' && !(value instanceof ItemExpr) && !(value instanceof IndexExpr)) {
    for (const v of Object.values(value)) visitRefs(v, visit)
  }
}
