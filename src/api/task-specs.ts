// One `.remote()` call (or `command`, or `put`) as the graph model's task and instance, so
// that the one scheduler runs it like a task of a graph file. Refs in arguments become
// `RefExpr`s and dependencies.
import type {InstanceSpec, RefExpr as RefExprT, TaskSpec, Template} from '../graph/model.js'
import {RefExpr} from '../graph/model.js'
import {ObjectRef} from './object-ref.js'
import {RaytsError} from './errors.js'
import {DESCEND, mapLeaves, MAX_VALUE_DEPTH, SKIP, refusedPart, tooDeepMessage, walkValue} from '../core/value-walk.js'

/** a call's task, less what the session fills in (its instance index, the script file) */
export type CallParts = Pick<TaskSpec, 'id' | 'kind' | 'fn' | 'cmd' | 'args' | 'stdin' | 'output' | 'env' | 'cwd' | 'options'> & {
  readonly idx: number
  readonly file: string
}

/** Turns refs anywhere inside plain arrays and objects into RefExprs, collecting their instances. */
export class RefCollector {
  readonly deps = new Set<number>()
  readonly tasks = new Set<string>()

  constructor(private readonly session: object) {}

  /** `value` (`what`: "argument 1 of f", for messages) with its refs as RefExprs; throws what cannot be sent */
  template(value: unknown, what: string): Template {
    checkValue(value, what, 'refs')
    return mapLeaves(value, isRef, (ref) => this.ref(ref as ObjectRef<unknown>))
  }

  ref(ref: ObjectRef<unknown>): RefExprT {
    if (ref.session !== this.session) throw foreignRef(ref)
    this.deps.add(ref.inst)
    this.tasks.add(ref.task)
    return new RefExpr(ref.task, null, ref.part === null ? [] : [ref.part])
  }
}

export function makeTask(parts: CallParts, refs: RefCollector): {task: TaskSpec; instance: InstanceSpec} {
  const task: TaskSpec = {
    id: parts.id,
    pos: {file: parts.file, line: 0, col: 0},
    kind: parts.kind,
    fn: parts.fn,
    cmd: parts.cmd,
    args: parts.args,
    stdin: parts.stdin,
    output: parts.output,
    env: parts.env,
    cwd: parts.cwd,
    options: parts.options,
    fanout: {kind: 'none'},
    after: [],
    deps: [...refs.tasks],
    instances: [parts.idx],
  }
  const instance: InstanceSpec = {
    idx: parts.idx,
    task,
    index: null,
    name: parts.id,
    deps: [...refs.deps].sort((a, b) => a - b),
    item: undefined,
    marker: false,
  }
  return {task, instance}
}

/**
 * Throws a RaytsError, at the call, for what structured clone cannot send to a worker or
 * would lose on the way: a function, a symbol, nesting past MAX_VALUE_DEPTH, and a ref
 * where none is resolved (inside a Map, Set or class instance; anywhere in a `put` value).
 */
export function checkValue(value: unknown, what: string, refs: 'refs' | 'no refs'): void {
  // the parts inside a container that is not a plain array or object
  const closed = new Set<object>()
  walkValue(value, (part, depth, holder) => {
    const inClosed = holder !== null && (closed.has(holder) || !isPlainObject(holder))
    if (part instanceof ObjectRef) {
      if (refs === 'no refs') throw new RaytsError(`${what} holds ${part}: a put value cannot hold refs (pass them to tasks as arguments)`)
      if (inClosed) throw new RaytsError(`${what} holds ${part} inside a ${(holder as object).constructor?.name ?? 'object'}: refs are found in arrays and plain objects only`)
      return SKIP
    }
    const refused = refusedPart(part)
    if (refused !== null) throw new RaytsError(`${what} ${depth === 1 ? 'is' : 'holds'} ${refused}, which cannot be sent to a task (structured clone)`)
    if (typeof part === 'object' && depth > MAX_VALUE_DEPTH) throw new RaytsError(tooDeepMessage(what))
    if (typeof part === 'object' && inClosed) closed.add(part)
    return DESCEND
  })
}

/** the error for a ref of a session that has ended (its name may repeat in the running one) */
export function foreignRef(ref: ObjectRef<unknown>): RaytsError {
  return new RaytsError(`${ref} belongs to another session (run ${(ref.session as {runId?: string}).runId}, which was shut down)`)
}

function isRef(part: object): boolean {
  return part instanceof ObjectRef
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v)) return true
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
