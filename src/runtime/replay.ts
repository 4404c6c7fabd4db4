// `rayts replay RUN REF`: one fn instance of a stored run called again in a fresh process,
// with the arguments it was given. They are rebuilt the way the scheduler built them (the
// run's graph file and --set values compiled again, templates resolved by jobs.ts), but from
// the stored results of its inputs (big values read from the run's kept objects), so its
// inputs do not run again. A cluster run replays here, with the same stored values.
import {fork, type ChildProcess} from 'node:child_process'
import {statSync} from 'node:fs'
import {compileGraphFile, formatProblem} from '../graph/index.js'
import {RefExpr, type CompiledGraph, type InstanceSpec} from '../graph/model.js'
import {buildJob} from '../scheduler/jobs.js'
import {resolve, ResolveError, type ResolveContext} from '../scheduler/resolve.js'
import {objectReads} from './object-reads.js'
import type {Store} from '../store/db.js'
import {UsageError} from '../core/usage-error.js'
import {ObjectError} from '../objects/errors.js'
import type {TaskFailure} from '../core/events.js'
import {parseRef} from '../store/query/refs.js'
import {getInstance, getRun, instancesOfTask, type RunRecord} from '../store/query/runs.js'
import {storedInput} from '../store/query/stored-inputs.js'
import {cwdProblem} from '../executor/cwd.js'
import {WORKER_EXEC_ARGV} from '../executor/pool/worker-proc.js'
import type {ReplayCall, ReplayOutcome} from '../executor/worker/replay-child.js'

export type ReplayPlan =
  | {
      readonly kind: 'fn'
      readonly name: string
      readonly call: Omit<ReplayCall, 'pause'>
      readonly env: Readonly<Record<string, string>>
      readonly cwd: string
      /** what changed since the run (the module, the graph file): today's is used */
      readonly notes: readonly string[]
    }
  | {
      readonly kind: 'cmd'
      readonly name: string
      readonly command: {readonly argv: readonly string[]} | {readonly shell: string}
      readonly env: Readonly<Record<string, string>>
      readonly cwd: string
    }

/** Inputs that were not kept: replay refuses (exit 2). */
class NotKept extends ObjectError {}

/** What replaying `refText` of run `runId` would do; a UsageError when it cannot. */
export function planReplay(store: Store, runId: string, refText: string): ReplayPlan {
  const run = getRun(store, runId)!
  let ref = parseRef(refText)
  const fanned = instancesOfTask(store, runId, ref.task).filter((i) => i.index !== null)
  if (fanned.length > 0 && ref.instance === null && ref.path.length === 1) ref = {...ref, instance: ref.path[0]!, path: []} // ID.i
  if (ref.path.length > 0) throw new UsageError(`replay takes one instance (ID or ID[i]), not a part of its result: ${refText}`)
  if (ref.instance === null && fanned.length > 0) throw new UsageError(`task ${ref.task} has ${fanned.length} instances: name one, such as ${ref.task}[0]`)
  const name = ref.instance === null ? ref.task : `${ref.task}[${ref.instance}]`
  const stored = getInstance(store, runId, name)
  if (!stored) throw new UsageError(`run ${runId} has no instance ${name}`)
  const graphFile = run.meta?.graphFile
  if (!graphFile) throw new UsageError(`run ${runId} was not started from a graph file (a library session): replay needs one`)
  const compiled = compileGraphFile(graphFile, {set: run.meta!.set})
  if (!compiled.ok) throw new UsageError(`the graph of run ${runId} no longer compiles: ${formatProblem(compiled.problems[0]!)}`)
  const graph = compiled.graph
  const inputs = storeInputs(store, run, graph)
  let job
  try {
    const spec = graph.instanceByName.get(name) ?? dynamicInstance(graph, ref.task, ref.instance, inputs)
    if (!spec) throw new UsageError(`the graph of run ${runId} (${graphFile}) has no instance ${name} today`)
    job = buildJob(spec, Math.max(1, stored.attempt), inputs.withItem(spec))
  } catch (error) {
    if (error instanceof NotKept) throw new UsageError(`cannot replay ${name}: the value of an input was not kept (${error.message})`)
    if (error instanceof ResolveError) throw new UsageError(`cannot replay ${name}: ${error.message}`)
    throw error
  }
  if (job.kind === 'cmd') return {kind: 'cmd', name, command: job.command, env: job.env, cwd: job.cwd}
  const notes: string[] = []
  const since = run.startedMs ?? run.createdMs
  for (const [what, file] of [['module', job.module], ['graph file', graphFile]] as const) {
    const changed = modifiedAfter(file, since)
    if (changed) notes.push(`the ${what} ${file} changed since run ${runId} (modified ${changed}): replaying today's code`)
  }
  return {
    kind: 'fn',
    name,
    call: {name, module: job.module, export: job.export, args: job.args, numReturns: job.numReturns},
    env: job.env,
    cwd: job.cwd,
    notes,
  }
}

/** the scheduler's refValue, answered from the stored results */
function storeInputs(store: Store, run: RunRecord, graph: CompiledGraph): ResolveContext & {withItem(spec: InstanceSpec): ResolveContext} {
  const value = (name: string): unknown => {
    const got = storedInput(store, run.id, name)
    if (!got.ok) throw new NotKept(got.why)
    return got.value
  }
  const refValue = (ref: RefExpr): unknown => {
    const task = graph.taskById.get(ref.task)
    if (!task) throw new ResolveError(`no task ${ref.task}`)
    if (task.fanout.kind === 'none') return value(task.id)
    if (ref.instance !== null) return value(`${task.id}[${ref.instance}]`)
    const names =
      task.fanout.kind === 'dynamic'
        ? instancesOfTask(store, run.id, task.id).filter((i) => i.index !== null).map((i) => i.name)
        : task.instances.map((i) => graph.instances[i]!.name)
    return names.map(value)
  }
  const base = {refValue, item: undefined, index: null, objects: objectReads}
  return {...base, withItem: (spec) => ({refValue, item: spec.item, index: spec.index, objects: objectReads})}
}

/** an instance a dynamic fan-out made at run time: its item is element i of the source's list */
function dynamicInstance(graph: CompiledGraph, taskId: string, index: number | null, inputs: ResolveContext): InstanceSpec | undefined {
  const task = graph.taskById.get(taskId)
  if (!task || task.fanout.kind !== 'dynamic' || index === null) return undefined
  const list = resolve(task.fanout.source, inputs)
  const items = Array.isArray(list) ? list : ArrayBuffer.isView(list) ? Array.from(list as unknown as ArrayLike<unknown>) : []
  if (index >= items.length) return undefined
  return {idx: -1, task, index, name: `${taskId}[${index}]`, deps: [], item: items[index], marker: false}
}

function modifiedAfter(file: string, ms: number): string | null {
  try {
    const m = statSync(file).mtimeMs
    return m > ms ? new Date(m).toISOString() : null
  } catch {
    return null
  }
}

export interface ReplayRunOptions {
  /** run under `--inspect-brk` on 127.0.0.1:PORT (0: a free port) */
  readonly inspectPort?: number
  /** where the task's own output goes (its stdout and stderr): the replay's stderr */
  readonly output: NodeJS.WritableStream & {fd?: number}
  readonly env: NodeJS.ProcessEnv
}

/** Calls the planned function in a fresh process; ends it when this process is told to stop. */
export async function runReplay(plan: Extract<ReplayPlan, {kind: 'fn'}>, o: ReplayRunOptions): Promise<ReplayOutcome> {
  const problem = cwdProblem(plan.cwd)
  if (problem) return {ok: false, error: {kind: 'error', name: 'CwdError', message: problem}}
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = new URL(fromSource ? '../executor/worker/replay-child.ts' : '../executor/worker/replay-child.js', import.meta.url)
  const inspect = o.inspectPort === undefined ? [] : [`--inspect-brk=127.0.0.1:${o.inspectPort}`]
  const child = fork(entry, [], {
    cwd: plan.cwd,
    env: {...o.env, ...plan.env},
    execArgv: [...WORKER_EXEC_ARGV, ...inspect], // source maps: on with the TypeScript hooks, as in the pool
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  child.stdout!.pipe(o.output, {end: false})
  child.stderr!.pipe(o.output, {end: false})
  let stopped = false
  const stop = (): void => {
    stopped = true
    child.kill('SIGKILL') // paused in the inspector, it would not see a gentler signal
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, stop)
  try {
    const out = await outcome(child, {...plan.call, pause: o.inspectPort !== undefined})
    return stopped ? {ok: false, error: {kind: 'cancelled', name: 'Interrupted', message: `the replay of ${plan.name} was interrupted`}} : out
  } finally {
    for (const s of signals) process.off(s, stop)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

function outcome(child: ChildProcess, call: ReplayCall): Promise<ReplayOutcome> {
  return new Promise((resolvePromise) => {
    let got: ReplayOutcome | null = null
    child.once('message', (m: ReplayOutcome) => {
      got = m
    })
    child.once('error', (error) => resolvePromise({ok: false, error: {kind: 'crash', name: 'CrashError', message: `the replay process failed: ${error.message}`}}))
    // 'close': its output has been read too
    child.once('close', (code, signal) => {
      if (got) return resolvePromise(got)
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      const error: TaskFailure = {kind: 'crash', name: 'CrashError', message: `the replay process ${how} before its task returned`, ...(signal ? {signal} : {})}
      resolvePromise({ok: false, error})
    })
    child.send(call)
  })
}
