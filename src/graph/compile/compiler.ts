// Semantic checks and compilation of a graph whose data passed (or mostly passed) the
// schema, pass by pass (src/graph/compile/passes/): functions and modules, plain options, task drafts
// (structure, tags, refs), cycles and fan-outs, templates, then the specs and instances.
import type {CompiledGraph} from '../model.js'
import {orderTasks} from '../validate/cycles.js'
import type {Locator} from '../read/locate.js'
import type {Problem} from '../validate/problems.js'
import {BuildPass} from './passes/build.js'
import {CompileContext, isObj} from './passes/context.js'
import {DraftPass} from './passes/draft.js'
import {FunctionsPass} from './passes/functions.js'
import {checkOptionTags} from './passes/option-tags.js'
import {fanOut, outputs as outputsOf, reportCycles} from './passes/order.js'
import {TemplatePass} from './passes/templates.js'


export {TAGLESS_OPTIONS} from './passes/option-tags.js'


export class Compiler {
  private readonly ctx: CompileContext
  private readonly functions: FunctionsPass
  private readonly drafting: DraftPass
  private readonly build: BuildPass

  constructor(root: unknown, locate: Locator, sigil: '!' | '$', abs: string, dir: string, problems: Problem[]) {
    this.ctx = new CompileContext(root, locate, sigil, abs, dir, problems)
    this.functions = new FunctionsPass(this.ctx)
    this.drafting = new DraftPass(this.ctx, this.functions)
    this.build = new BuildPass(this.ctx, new TemplatePass(this.ctx))
  }

  compile(): CompiledGraph | undefined {
    this.functions.checkModules()
    checkOptionTags(this.ctx)
    for (const id in this.ctx.tasks) {
      const raw = this.ctx.tasks[id]
      if (isObj(raw)) this.drafting.draft(id, raw)
    }
    const drafts = this.ctx.drafts
    // a dep with no draft (its task is no mapping: the schema reported it) is passed over
    const {order, cycles} = orderTasks([...drafts.values()], (d, k) => (k < d.deps.length ? (drafts.get(d.deps[k]!) ?? null) : undefined))
    if (cycles.length > 0) {
      reportCycles(this.ctx, cycles)
      return undefined
    }
    for (const d of order) fanOut(this.ctx, d)
    const outputs = outputsOf(this.ctx)
    const before = this.ctx.problems.length
    // resolve every template once for the problems it holds, then build only if clean
    const specs = this.build.buildTasks()
    if (this.ctx.problems.length > before || this.ctx.problems.length > 0) return undefined
    return this.build.assemble(specs, order, outputs)
  }
}
