// Turning a ready instance into an executor job: its templates resolved to values.
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import type {FnJob, Job} from '../executor/types.js'
import {RefExpr} from '../graph/model.js'
import {hasExpr, resolve, ResolveError, toText, type ResolveContext} from './resolve.js'
import {dict} from '../core/dict.js'

const staticEnv = new WeakMap<TaskSpec, Readonly<Record<string, string>>>()

const NO_ENV: Readonly<Record<string, string>> = Object.freeze({})

function resolveEnv(task: TaskSpec, ctx: ResolveContext): Readonly<Record<string, string>> {
  // most tasks have none: no entry in the WeakMap (100,000 of them cost the GC measurably)
  let empty = true
  for (const _ in task.env) {
    empty = false
    break
  }
  if (empty) return NO_ENV
  const cached = staticEnv.get(task)
  if (cached) return cached
  const env = dict<string>()
  for (const [k, v] of Object.entries(task.env)) env[k] = toText(resolve(v, ctx), ctx.objects)
  if (!hasExpr(task.env)) staticEnv.set(task, env)
  return env
}

export function buildJob(spec: InstanceSpec, attempt: number, ctx: ResolveContext): Job {
  // Object literals with every property spelled out: a spread of a shared base object
  // measured ~6 µs per job here, more than all the rest of the scheduler's work per task.
  const task = spec.task
  if (task.kind === 'fn' && task.fn) {
    return {
      kind: 'fn',
      inst: spec.idx,
      attempt,
      name: spec.name,
      timeout: task.options.timeout,
      env: resolveEnv(task, ctx),
      cwd: task.cwd,
      module: task.fn.module,
      export: task.fn.export,
      args: hasExpr(task.args) ? (resolve(task.args, ctx) as unknown[]) : task.args,
      numReturns: task.options.numReturns,
      maxCalls: task.options.maxCalls,
    }
  }
  const cmd = task.cmd!
  const stdin = task.stdin === undefined ? undefined : ctx.objects.loadRefs(resolve(task.stdin, ctx))
  return {
    kind: 'cmd',
    inst: spec.idx,
    attempt,
    name: spec.name,
    timeout: task.options.timeout,
    env: resolveEnv(task, ctx),
    cwd: task.cwd,
    command: cmd.kind === 'shell' ? {shell: cmd.script} : {argv: cmd.argv.map((a) => toText(resolve(a, ctx), ctx.objects))},
    stdin: stdin === undefined || stdin === null ? undefined : stdin instanceof Uint8Array ? stdin : toText(stdin, ctx.objects),
    output: task.output,
  }
}

/** the key under which jobs may share a batch and a duration estimate */
export function fnKey(task: TaskSpec): string {
  return task.fn ? `${task.fn.module}#${task.fn.export}` : ''
}

/** the same function (and kind), not the same object: each library call makes a task of its own */
export function sameFn(a: TaskSpec, b: TaskSpec): boolean {
  return a.fn !== null && b.fn !== null && a.fn.module === b.fn.module && a.fn.export === b.fn.export && a.kind === b.kind
}

const NOT_LINKABLE = new Error('not linkable')

/**
 * A chain link (executor/types.ts, FnChain): the job of `spec`, whose one unfinished input
 * is `input`, built before that input ends. The arguments that are `input`'s whole result
 * are left for the worker to fill (`fill`); null when the input is wanted any other way (a
 * path into it, inside a string or a structure, its foreach item, its environment).
 */
export function buildLink(spec: InstanceSpec, attempt: number, input: InstanceSpec, ctx: ResolveContext): FnJob | null {
  const task = spec.task
  const from = input.task
  if (task.kind !== 'fn' || !task.fn || from.fanout.kind === 'dynamic') return null
  const guarded: ResolveContext = {
    item: ctx.item,
    index: ctx.index,
    objects: ctx.objects,
    refValue(ref) {
      if (ref.task === from.id) throw NOT_LINKABLE
      return ctx.refValue(ref)
    },
  }
  const fill: number[] = []
  const args: unknown[] = new Array(task.args.length)
  try {
    for (let k = 0; k < task.args.length; k++) {
      const t = task.args[k]
      if (t instanceof RefExpr && t.task === from.id && t.path.length === 0 && (from.fanout.kind === 'none' || (t.instance !== null && from.instances[t.instance] === input.idx))) fill.push(k)
      else args[k] = resolve(t, guarded)
    }
    return {
      kind: 'fn',
      inst: spec.idx,
      attempt,
      name: spec.name,
      timeout: task.options.timeout,
      env: resolveEnv(task, guarded),
      cwd: task.cwd,
      module: task.fn.module,
      export: task.fn.export,
      args,
      numReturns: task.options.numReturns,
      maxCalls: task.options.maxCalls,
      fill,
    }
  } catch (error) {
    // a template that fails to resolve fails the same way when the job is built the usual way
    if (error === NOT_LINKABLE || error instanceof ResolveError) return null
    throw error
  }
}
