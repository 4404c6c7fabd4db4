// The compiled graph: what the compiler produces and the runtime consumes.
// Immutable by convention (readonly everywhere); the runtime never mutates it.

/** A place in a graph file, 1-based line and column. */
export interface SourcePos {
  readonly file: string
  readonly line: number
  readonly col: number
}

export type PathPart = string | number

/**
 * Value templates are plain data (what YAML gives: null, boolean, number, string,
 * arrays, plain objects) in which these expression classes may stand anywhere.
 * Plain YAML maps are plain objects, so `instanceof` tells expressions apart.
 */
export class RefExpr {
  constructor(
    /** the task id referred to */
    readonly task: string,
    /** an instance of a fanned-out task, or null for the whole task (all instances, as a list) */
    readonly instance: number | null,
    /** a path into the result; for a num_returns task the first element is the part */
    readonly path: readonly PathPart[],
    readonly pos?: SourcePos,
  ) {}
}

/** `!item` / `!item path`: the current foreach item, or a path into it. */
export class ItemExpr {
  constructor(readonly path: readonly PathPart[], readonly pos?: SourcePos) {}
}

/** `!index`: the current foreach index. */
export class IndexExpr {
  constructor(readonly pos?: SourcePos) {}
}

/** `!sub "a ${ID.path} b"`: literal strings and refs; non-strings JSON-encoded when joined. */
export class SubExpr {
  constructor(readonly parts: readonly (string | RefExpr)[], readonly pos?: SourcePos) {}
}

export type Expr = RefExpr | ItemExpr | IndexExpr | SubExpr

/** Any YAML value, possibly holding expressions. */
export type Template = unknown

export type RetryExceptions = boolean | {readonly names: readonly string[]; readonly exitCodes: readonly number[]}

/** Options after layering defaults < functions.NAME < task < --set. Durations in seconds. */
export interface TaskOptions {
  readonly maxRetries: number // -1 = unlimited
  readonly retryExceptions: RetryExceptions
  readonly retryDelay: number
  readonly backoff: number
  readonly timeout: number | null
  readonly maxCalls: number // 0 = unlimited; fn only
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
  readonly numReturns: number // fn only
  /** reuse a result already known for the same key (cross-run cache); absent: false */
  readonly cache?: boolean
}

export type OutputMode = 'text' | 'json' | 'lines'

export interface FnCall {
  /** the key in `functions`, or the export name when it came from `module` directly */
  readonly name: string
  /** absolute path of the module file */
  readonly module: string
  readonly export: string
}

export type CmdSpec =
  | {readonly kind: 'argv'; readonly argv: readonly Template[]}
  | {readonly kind: 'shell'; readonly script: string}

/**
 * How a task fans out.
 * - none: one instance, named ID.
 * - items: one instance per item (a list, or a range expanded at compile time).
 * - zip: one instance per instance of `source` (a statically fanned-out task);
 *   instance i depends on source[i] and its item is `RefExpr(source, i, [])`.
 * - dynamic: `source` is a ref to a task that is not fanned out and returns a list;
 *   the runtime makes the instances when it finishes (see InstanceSpec.marker).
 */
export type Fanout =
  | {readonly kind: 'none'}
  | {readonly kind: 'items'; readonly items: readonly unknown[]}
  | {readonly kind: 'zip'; readonly source: string}
  | {readonly kind: 'dynamic'; readonly source: RefExpr}

export interface TaskSpec {
  readonly id: string
  readonly pos: SourcePos
  readonly kind: 'fn' | 'cmd'
  readonly fn: FnCall | null
  readonly cmd: CmdSpec | null
  /** fn positional arguments */
  readonly args: readonly Template[]
  /** cmd only */
  readonly stdin: Template | undefined
  readonly output: OutputMode
  readonly env: Readonly<Record<string, Template>>
  /** absolute working directory (default: the graph file's folder) */
  readonly cwd: string
  readonly options: TaskOptions
  readonly fanout: Fanout
  /** cmd only: files (globs, relative to the graph's folder) whose contents are part of the cache key */
  readonly inputs?: readonly string[]
  /** ordering-only dependencies (task ids) */
  readonly after: readonly string[]
  /** every task this one depends on (refs, after, fan-out source), in graph order */
  readonly deps: readonly string[]
  /** indexes into CompiledGraph.instances: its static instances, or its marker when dynamic */
  readonly instances: readonly number[]
}

export interface InstanceSpec {
  /** index in CompiledGraph.instances */
  readonly idx: number
  readonly task: TaskSpec
  /** foreach index, or null when the task does not fan out (and for a dynamic marker) */
  readonly index: number | null
  /** `ID` or `ID[i]` */
  readonly name: string
  /** instance indexes this one waits for, sorted, without duplicates */
  readonly deps: readonly number[]
  /** the foreach item (a template: for zip it is a RefExpr to the source instance) */
  readonly item: Template
  /**
   * A dynamic fan-out's stand-in. It depends on the source; when the source finishes the
   * runtime makes the real instances `ID[0..n-1]` and the marker finishes when they all
   * have, with the list of their results. Refs to the whole task depend on the marker.
   */
  readonly marker: boolean
}

export interface CompiledGraph {
  /** absolute path of the graph file */
  readonly file: string
  readonly dir: string
  readonly name: string
  readonly description: string | undefined
  /** tasks in file order */
  readonly tasks: readonly TaskSpec[]
  readonly taskById: ReadonlyMap<string, TaskSpec>
  /** every static instance (and dynamic markers), in file order of tasks then index */
  readonly instances: readonly InstanceSpec[]
  readonly instanceByName: ReadonlyMap<string, InstanceSpec>
  /** instance indexes in a topological order (dependencies first) */
  readonly order: readonly number[]
  /** output task ids: `outputs`, or the tasks nothing depends on */
  readonly outputs: readonly string[]
  /** `include`: more files for a cluster run's code pack, globs relative to `dir` */
  readonly include?: readonly string[]
}
