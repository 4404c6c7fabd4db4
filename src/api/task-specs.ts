// One `.remote()` call (or `command`, or `put`) as the graph model's task and instance, so
// that the one scheduler runs it like a task of a graph file. Refs in arguments become
// `RefExpr`s and dependencies.
import type {InstanceSpec, RefExpr as RefExprT, TaskSpec, Template} from '../graph/model.js'
import {RefExpr} from '../graph/model.js'
import {ObjectRef} from './object-ref.js'
import {RaytsError} from './errors.js'

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

  template(value: unknown): Template {
    if (value instanceof ObjectRef) return this.ref(value)
    if (Array.isArray(value)) {
      let out: unknown[] | null = null
      for (let i = 0; i < value.length; i++) {
        const t = this.template(value[i])
        if (t !== value[i]) (out ??= value.slice())[i] = t
      }
      return out ?? value
    }
    if (isPlainObject(value)) {
      let out: Record<string, unknown> | null = null
      for (const [k, v] of Object.entries(value)) {
        const t = this.template(v)
        if (t !== v) (out ??= {...value})[k] = t
      }
      return out ?? value
    }
    return value
  }

  ref(ref: ObjectRef<unknown>): RefExprT {
    if (ref.session !== this.session) throw new RaytsError(`${ref} belongs to another session (one that was shut down)`)
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
