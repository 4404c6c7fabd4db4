// What the compiler's passes share: the file's data, where to report, the task drafts.
import {isAbsolute, resolve} from 'node:path'
import type {FnCall, PathPart, SourcePos} from '../../model.js'
import type {Locator} from '../../read/locate.js'
import type {OptionLayer} from '../options.js'
import type {Problem} from '../../validate/problems.js'
import {parseRefText, type RawRef} from '../refs.js'
import {didYouMean} from '../../validate/suggest.js'
import type {Tagged} from '../../read/tags.js'

export type Obj = Record<string, unknown>
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

export type FanKind = 'none' | 'items' | 'zip' | 'dynamic'

/** one task as the passes learn about it */
export interface Draft {
  readonly id: string
  /** its place among the tasks, in file order */
  readonly ix: number
  readonly raw: Obj
  readonly pos: SourcePos
  readonly kind: 'fn' | 'cmd' | null
  /** the option layers it shares with other tasks (defaults, its function); see layersOf */
  readonly sharedLayers: readonly OptionLayer[]
  readonly fn: FnCall | null
  /** task ids this one depends on, in the order found, each once (see addDep) */
  deps: string[]
  /** for each of deps, the data path of what made it so */
  depAt: (readonly PathPart[])[]
  /** deps as a set, once there are too many for a linear look-up */
  depSet: Set<string> | undefined
  readonly foreachRef: {ref: RawRef; path: readonly PathPart[]} | null
  /** foreach items (list or expanded range), when static */
  items: readonly unknown[] | null
  fan: FanKind
  count: number
  numReturns: number
  idxs: number[]
}

export const EMPTY: readonly never[] = Object.freeze([])

/**
 * A draft's option layers, its own last. Made when asked, not kept: an array, a layer and a
 * path per task that lived as long as the compile.
 */
export function layersOf(d: Draft): OptionLayer[] {
  const own: OptionLayer = {data: d.raw, path: ['tasks', d.id]}
  return d.sharedLayers.length === 0 ? [own] : d.sharedLayers.length === 1 ? [d.sharedLayers[0]!, own] : d.sharedLayers.concat([own])
}

/** Draft d depends on task `id` because of what stands at `at` (the first place counts). */
export function addDep(d: Draft, id: string, at: readonly PathPart[]): void {
  // arrays and a linear look-up for the few deps most tasks have (a Map per task cost more);
  // the first dep makes arrays of one (a push onto [] reserves 16 slots)
  if (d.deps.length === 0) {
    d.deps = [id]
    d.depAt = [at]
    return
  }
  if (d.depSet === undefined ? d.deps.includes(id) : d.depSet.has(id)) return
  d.deps.push(id)
  d.depAt.push(at)
  if (d.depSet !== undefined) d.depSet.add(id)
  else if (d.deps.length > 16) d.depSet = new Set(d.deps)
}
/** ids compared for "did you mean" in one compile (~1 s); later unknown ids get no suggestion */
const SUGGESTION_BUDGET = 5_000_000

export class CompileContext {
  readonly drafts = new Map<string, Draft>()

  readonly root: Obj

  readonly functions: Obj

  readonly tasks: Obj

  constructor(
    root: unknown,
    readonly locate: Locator,
    /** how the file spells tags in messages: `!ref` (YAML) or `$ref` (JSON) */
    readonly sigil: '!' | '$',
    readonly abs: string,
    readonly dir: string,
    readonly problems: Problem[],
  ) {
    this.root = isObj(root) ? root : {}
    this.functions = isObj(this.root.functions) ? this.root.functions : {}
    this.tasks = isObj(this.root.tasks) ? this.root.tasks : {}
  }

  report(path: readonly PathPart[], message: string, key = false): void {
    this.problems.push(this.locate.problem(path, message, key))
  }

  reportAt(pos: SourcePos, message: string): void {
    this.problems.push({file: pos.file, line: pos.line, col: pos.col, message})
  }

  private taskIds: string[] | undefined

  /** task ids compared for "did you mean" so far: a file with a typo in each of 100,000 refs would be quadratic */
  private suggestionWork = 0

  /** ` (did you mean "ID"?)` for an unknown task id, while the work budget lasts */
  taskSuggestion(word: string): string {
    this.taskIds ??= Object.keys(this.tasks)
    this.suggestionWork += this.taskIds.length
    return this.suggestionWork > SUGGESTION_BUDGET ? '' : didYouMean(word, this.taskIds)
  }

  /** a `!ref`'s reading (parsed once, kept on the tag) */
  parseRef(t: Tagged): RawRef | string {
    return (t.parsedRef ??= parseRefText(t.text))
  }

  moduleAbs(written: unknown): string | undefined {
    return typeof written === 'string' ? (isAbsolute(written) ? written : resolve(this.dir, written)) : undefined
  }
}
