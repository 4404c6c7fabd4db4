// Pass: the modules and functions a graph names exist and export what it calls; each
// function's call and option layers, made once and shared by its tasks.
import type {FnCall} from '../../model.js'
import {exportedNames, mayExport, moduleError, moduleProblem} from '../../modules/modules.js'
import type {OptionLayer} from '../options.js'
import {didYouMean} from '../../validate/suggest.js'
import {Tagged} from '../../read/tags.js'
import {isObj, type CompileContext, type Obj} from './context.js'

export class FunctionsPass {
  constructor(private readonly ctx: CompileContext) {}

  checkModules(): void {
    const top = this.ctx.moduleAbs(this.ctx.root.module)
    if (top !== undefined) {
      const p = moduleProblem(top, String(this.ctx.root.module))
      if (p) this.ctx.report(['module'], p)
      else this.checkModuleText(top)
    }
    for (const [name, f] of Object.entries(this.ctx.functions)) {
      if (!isObj(f)) continue
      const own = this.ctx.moduleAbs(f.module)
      if (own !== undefined) {
        const p = moduleProblem(own, String(f.module))
        if (p) {
          this.ctx.report(['functions', name, 'module'], p)
          continue
        }
        this.checkModuleText(own)
      }
      const mod = own ?? top
      const exp = typeof f.export === 'string' ? f.export : name
      if (f.export instanceof Tagged || f.module instanceof Tagged) continue // reported as a misplaced tag
      if (mod === undefined) {
        this.ctx.report(['functions', name], `function "${name}" has no module: give it module: or set a top-level module:`, true)
      } else if (moduleProblem(mod, '') === undefined && !mayExport(mod, exp)) {
        const written = String(own !== undefined ? f.module : this.ctx.root.module)
        this.ctx.report(
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

  sharedLayers(fn: string | undefined): readonly OptionLayer[] {
    const key = fn !== undefined && isObj(this.ctx.functions[fn]) ? fn : undefined
    let layers = this.layerCache.get(key)
    if (layers === undefined) {
      const out: OptionLayer[] = []
      if (isObj(this.ctx.root.defaults)) out.push({data: this.ctx.root.defaults, path: ['defaults']})
      if (key !== undefined) out.push({data: this.ctx.functions[key] as Obj, path: ['functions', key]})
      this.layerCache.set(key, (layers = out))
    }
    return layers
  }

  /** A module that does not parse is reported at its own FILE:LINE:COL, once. */
  private checkModuleText(abs: string): void {
    if (this.checkedModules.has(abs)) return
    this.checkedModules.add(abs)
    const e = moduleError(abs)
    if (e) this.ctx.problems.push({file: abs, line: e.line, col: e.col, message: e.message})
  }

  /** a function's call, shared by the tasks that call it (unknown functions are not kept: each task reports) */
  private readonly calls = new Map<string, FnCall>()

  private topModule: string | undefined | null = null

  fnCall(id: string, raw: Obj): FnCall | null {
    const name = raw.fn
    if (typeof name !== 'string') return null
    const known = this.calls.get(name)
    if (known) return known
    if (this.topModule === null) this.topModule = this.ctx.moduleAbs(this.ctx.root.module)
    const top = this.topModule
    const f = this.ctx.functions[name]
    if (isObj(f)) {
      const mod = this.ctx.moduleAbs(f.module) ?? top
      if (mod === undefined) return null
      const call = Object.freeze({name, module: mod, export: typeof f.export === 'string' ? f.export : name})
      this.calls.set(name, call)
      return call
    }
    const candidates = Object.keys(this.ctx.functions)
    if (top === undefined || top === null) {
      this.ctx.report(['tasks', id, 'fn'], `unknown function "${name}": it is not in functions and there is no top-level module${didYouMean(name, candidates)}`)
      return null
    }
    if (moduleProblem(top, '') === undefined && !mayExport(top, name)) {
      this.ctx.report(
        ['tasks', id, 'fn'],
        `unknown function "${name}": it is not in functions and module ${String(this.ctx.root.module)} has no export by that name${didYouMean(name, [...candidates, ...exportedNames(top)])}`,
      )
      return {name, module: top, export: name}
    }
    const call = Object.freeze({name, module: top, export: name})
    this.calls.set(name, call)
    return call
  }
}
