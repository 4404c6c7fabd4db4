// Turning a ready instance into an executor job: its templates resolved to values.
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import type {Job} from '../executor/types.js'
import {loadRefs} from '../objects/read.js'
import {hasExpr, resolve, toText, type ResolveContext} from './resolve.js'

const staticEnv = new WeakMap<TaskSpec, Readonly<Record<string, string>>>()

function resolveEnv(task: TaskSpec, ctx: ResolveContext): Readonly<Record<string, string>> {
  const cached = staticEnv.get(task)
  if (cached) return cached
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(task.env)) env[k] = toText(resolve(v, ctx))
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
  const stdin = task.stdin === undefined ? undefined : loadRefs(resolve(task.stdin, ctx))
  return {
    kind: 'cmd',
    inst: spec.idx,
    attempt,
    name: spec.name,
    timeout: task.options.timeout,
    env: resolveEnv(task, ctx),
    cwd: task.cwd,
    command: cmd.kind === 'shell' ? {shell: cmd.script} : {argv: cmd.argv.map((a) => toText(resolve(a, ctx)))},
    stdin: stdin === undefined || stdin === null ? undefined : stdin instanceof Uint8Array ? stdin : toText(stdin),
    output: task.output,
  }
}

/** the key under which jobs may share a batch and a duration estimate */
export function fnKey(task: TaskSpec): string {
  return task.fn ? `${task.fn.module}#${task.fn.export}` : ''
}
