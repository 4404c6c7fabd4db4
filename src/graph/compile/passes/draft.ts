// Pass A: one task's structure, its tags' syntax and placement, its refs and dependencies.
import type {PathPart} from '../../model.js'
import {lastSet, mergedEnv} from '../options.js'
import {parsePath, parseRefText, parseSubText, type RawRef} from '../refs.js'
import {Tagged} from '../../read/tags.js'
import {mapTags} from '../templates.js'
import {addDep, isObj, layersOf, type CompileContext, type Draft, type Obj} from './context.js'
import type {FunctionsPass} from './functions.js'

// shared by the drafts until addDep or the build pass gives one its own (frozen: a push throws)
const EMPTY_DEPS = Object.freeze([]) as unknown as string[]
const EMPTY_DEP_AT = Object.freeze([]) as unknown as (readonly PathPart[])[]
const NO_IDXS = Object.freeze([]) as unknown as number[]

/** More instances than this in one graph is refused (memory), dynamic ones included. */
export const MAX_INSTANCES = 2_000_000

export class DraftPass {
  constructor(
    private readonly ctx: CompileContext,
    private readonly functions: FunctionsPass,
  ) {}

  draft(id: string, raw: Obj): void {
    const pos = this.ctx.locate.at(['tasks', id], true)
    const hasFn = Object.hasOwn(raw, 'fn')
    const hasCmd = Object.hasOwn(raw, 'cmd')
    let kind: 'fn' | 'cmd' | null = hasFn ? 'fn' : hasCmd ? 'cmd' : null
    if (hasFn && hasCmd) {
      this.ctx.report(['tasks', id, 'cmd'], `task ${id} has both fn and cmd: a task is exactly one of them`, true)
      kind = null
    } else if (!hasFn && !hasCmd) {
      this.ctx.report(['tasks', id], `task ${id} has neither fn nor cmd: a task is exactly one of them`, true)
    }
    if (kind === 'cmd') {
      for (const key of ['args', 'max_calls', 'num_returns']) {
        if (Object.hasOwn(raw, key)) this.ctx.report(['tasks', id, key], `${key} is for fn tasks only${key === 'args' ? ' (a cmd list holds its arguments)' : ''}`, true)
      }
    } else if (kind === 'fn') {
      for (const key of ['stdin', 'output', 'inputs']) {
        if (Object.hasOwn(raw, key)) this.ctx.report(['tasks', id, key], `${key} is for cmd tasks only`, true)
      }
    }
    const fn = kind === 'fn' ? this.functions.fnCall(id, raw) : null
    const sharedLayers = this.functions.sharedLayers(kind === 'fn' && typeof raw.fn === 'string' ? raw.fn : undefined)
    const d: Draft = {
      id,
      ix: this.ctx.drafts.size,
      raw,
      pos,
      kind,
      sharedLayers,
      fn,
      deps: EMPTY_DEPS,
      depAt: EMPTY_DEP_AT,
      depSet: undefined,
      foreachRef: null,
      items: null,
      fan: 'none',
      count: 1,
      numReturns: 1,
      idxs: NO_IDXS,
    }
    this.ctx.drafts.set(id, d)
    const layers = layersOf(d)
    const nr = lastSet(layers, 'num_returns')?.value
    if (kind === 'fn' && typeof nr === 'number' && Number.isInteger(nr) && nr >= 1) d.numReturns = nr
    const inForeach = Object.hasOwn(raw, 'foreach')
    // refs anywhere a value may stand: record the dependency, check the syntax
    const scan = (value: unknown, path: PathPart[], itemOk: boolean) =>
      mapTags(value, path, (t, at) => {
        this.scanTag(d, t, itemOk, at)
        return null
      })
    // a path is made only for a value that may hold a tag (one array less per absent key and task)
    const scanKey = (key: string) => {
      const v = raw[key]
      if (v !== null && typeof v === 'object') scan(v, ['tasks', id, key], inForeach)
    }
    if (typeof raw.cmd === 'string' || raw.cmd instanceof Tagged) {
      if (raw.cmd instanceof Tagged) {
        this.ctx.report(
          ['tasks', id, 'cmd'],
          'a string cmd may hold no tag: it runs as shell text exactly as written; pass results through env: {NAME: !ref ID} and write $NAME, or use a cmd list',
        )
      }
    } else scanKey('cmd')
    scanKey('args')
    scanKey('stdin')
    if (layers.some((l) => l.data.env !== undefined)) for (const [, e] of mergedEnv(layers)) scan(e.value, e.path, inForeach)
    if (Array.isArray(raw.after)) {
      raw.after.forEach((a, i) => {
        if (typeof a !== 'string') return
        if (!Object.hasOwn(this.ctx.tasks, a)) this.ctx.report(['tasks', id, 'after', i], `unknown task "${a}" in after${this.ctx.taskSuggestion(a)}`)
        else addDep(d, a, ['tasks', id, 'after', i])
      })
    }
    const fe = raw.foreach
    if (fe instanceof Tagged) {
      const at = ['tasks', id, 'foreach']
      if (fe.tag !== 'ref') this.ctx.report(at, `foreach takes a list, {range: ...} or ${this.ctx.sigil}ref ID, not ${this.ctx.sigil}${fe.tag}`)
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
      this.ctx.report(['tasks', id, 'foreach'], 'foreach must be a list, {range: N}, {range: [start, stop, step]} or !ref ID')
    }
  }

  private range(r: unknown, path: PathPart[]): unknown[] | null {
    let start = 0
    let stop: number
    let step = 1
    if (typeof r === 'number' && Number.isInteger(r) && r >= 0) stop = r
    else if (Array.isArray(r) && r.length >= 2 && r.length <= 3 && r.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      ;[start, stop, step = 1] = r as [number, number, number?]
      if (step === 0) {
        this.ctx.report(path, 'range step must not be 0')
        return null
      }
    } else return null
    const n = Math.max(0, Math.ceil((stop! - start) / step))
    if (n > MAX_INSTANCES) {
      this.ctx.report(path, `range makes ${n} instances (the limit is ${MAX_INSTANCES})`)
      return null
    }
    const items = new Array<number>(n)
    for (let i = 0; i < n; i++) items[i] = start + i * step
    return items
  }

  /** Check a tag's syntax and placement (at data path `at`); for a ref, record the dependency and return it. */
  private scanTag(d: Draft, t: Tagged, itemOk: boolean, at: readonly PathPart[]): RawRef | undefined {
    const s = this.ctx.sigil
    switch (t.tag) {
      case 'item':
      case 'index':
        if (!itemOk) this.ctx.report(at, `${s}${t.tag} is only allowed in a task with foreach (in its args, cmd, stdin or env)`)
        else if (t.tag === 'index' && t.text !== '') this.ctx.report(at, `${s}index takes no value`)
        else if (t.tag === 'item') {
          const p = parsePath(t.text, false)
          if (typeof p === 'string') this.ctx.report(at, `${s}item ${t.text}: ${p}`)
        }
        return undefined
      case 'ref':
        return this.scanRef(d, this.ctx.parseRef(t), at, `${s}ref`)
      case 'sub': {
        const parts = parseSubText(t.text)
        if (typeof parts === 'string') {
          this.ctx.report(at, `${s}sub ${parts}`)
          return undefined
        }
        for (const p of parts) if ('ref' in p) this.scanRef(d, parseRefText(p.ref), at, `${s}sub \${...}`)
        return undefined
      }
    }
  }

  private scanRef(d: Draft, ref: RawRef | string, at: readonly PathPart[], what: string): RawRef | undefined {
    if (typeof ref === 'string') {
      this.ctx.report(at, `${what} ${ref}`)
      return undefined
    }
    if (!Object.hasOwn(this.ctx.tasks, ref.task)) {
      this.ctx.report(at, `unknown task "${ref.task}"${this.ctx.taskSuggestion(ref.task)}`)
      return undefined
    }
    addDep(d, ref.task, at)
    return ref
  }
}
