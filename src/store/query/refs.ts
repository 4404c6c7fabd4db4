// Refs on the command line: `ID`, `ID[i]`, `ID.i` (instance i of a fanned-out ID) and
// `ID.k` (part k of a num_returns task), resolved against a run's stored instances.
import type {TaskFailure} from '../../core/events.js'
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import {ObjectError} from '../../objects/errors.js'
import {loadValue} from './results.js'
import {getInstance, instancesOfTask, type InstanceRecord, type RunRecord} from './runs.js'

const REF = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+)\])?((?:\.\d+)*)$/

export interface ParsedRef {
  readonly text: string
  readonly task: string
  readonly instance: number | null
  readonly path: readonly number[]
}

export function parseRef(text: string): ParsedRef {
  const m = REF.exec(text)
  if (!m) throw new UsageError(`invalid ref ${JSON.stringify(text)}: expected ID, ID[i], ID.i or ID.k`)
  const path = m[3] ? m[3].slice(1).split('.').map(Number) : []
  return {text, task: m[1]!, instance: m[2] === undefined ? null : Number(m[2]), path}
}

export interface ResolvedRef {
  readonly text: string
  /** the instances it needs, in index order */
  readonly names: readonly string[]
  /** true: the value is the list of the instances' values (a whole fanned-out task) */
  readonly list: boolean
  /** index path into the value (parts of a num_returns task) */
  readonly path: readonly number[]
  /** canonical form, to tell duplicates apart from spellings */
  readonly key: string
}

const TERMINAL = new Set(['succeeded', 'cached', 'failed', 'skipped', 'cancelled', 'lost'])

/** null: cannot be told yet (the run has not started, or its dynamic fan-out is pending). */
export function resolveRef(store: Store, run: RunRecord, ref: ParsedRef): ResolvedRef | null {
  const started = run.session > 0
  const insts = instancesOfTask(store, run.id, ref.task)
  if (insts.length === 0) {
    if (!started) return null
    throw new UsageError(`run ${run.id} has no task ${ref.task}`)
  }
  const fanned = insts.some((i) => i.index !== null)
  let instance = ref.instance
  let path = ref.path
  if (instance === null && fanned && path.length > 0) {
    instance = path[0]!
    path = path.slice(1)
  }
  if (instance !== null) {
    const name = `${ref.task}[${instance}]`
    if (!insts.some((i) => i.name === name)) {
      const marker = insts.find((i) => i.name === ref.task)
      if (marker && !TERMINAL.has(marker.state) && isActive(run)) return null // dynamic fan-out not made yet
      throw new UsageError(`task ${ref.task} of run ${run.id} has no instance ${instance}`)
    }
    return {text: ref.text, names: [name], list: false, path, key: `${name}${path.map((p) => `.${p}`).join('')}`}
  }
  const whole = insts.find((i) => i.name === ref.task)
  if (whole) return {text: ref.text, names: [whole.name], list: false, path, key: `${whole.name}${path.map((p) => `.${p}`).join('')}`}
  const names = insts.map((i) => i.name)
  return {text: ref.text, names, list: true, path, key: `${ref.task}[*]`}
}

/** The run's output instances as refs (`ID` for a plain task, `ID[i]` for each instance). */
export function outputRefs(store: Store, run: RunRecord): string[] {
  const out: string[] = []
  for (const task of run.outputs) {
    const insts = instancesOfTask(store, run.id, task)
    const whole = insts.find((i) => i.name === task)
    if (whole || insts.length === 0) out.push(task)
    else for (const i of insts) out.push(i.name) // no push(...): a fan-out may be huge
  }
  return out
}

function isActive(run: RunRecord): boolean {
  return run.state === 'submitted' || run.state === 'running'
}

export function refReady(store: Store, run: RunRecord, ref: ResolvedRef): boolean {
  if (!isActive(run)) return true
  return ref.names.every((n) => {
    const i = getInstance(store, run.id, n)
    return i !== null && TERMINAL.has(i.state)
  })
}

export type RefOutcome =
  | {readonly ok: true; readonly value: unknown}
  | {readonly ok: false; readonly instance: string; readonly error: TaskFailure}

/** The value of a ready ref, or the error that stands in for it (as ray.get raises). */
export function refValue(store: Store, run: RunRecord, ref: ResolvedRef): RefOutcome {
  const values: unknown[] = []
  for (const n of ref.names) {
    const i = getInstance(store, run.id, n) as InstanceRecord
    if (i.state !== 'succeeded' && i.state !== 'cached') return {ok: false, instance: n, error: instanceError(run, i)}
    try {
      values.push(loadValue(store, run.id, n))
    } catch (error) {
      // a missing or corrupt object: the instance's value is lost
      if (!(error instanceof ObjectError)) throw error
      return {ok: false, instance: n, error: {kind: 'error', name: error.name, message: error.message}}
    }
  }
  let value: unknown = ref.list ? values : values[0]
  for (const p of ref.path) {
    if (value === null || typeof value !== 'object' || !(p in (value as object))) {
      return {ok: false, instance: ref.text, error: {kind: 'error', name: 'IndexError', message: `${ref.text}: no part ${p} in the result`}}
    }
    value = (value as Record<number, unknown>)[p]
  }
  return {ok: true, value}
}

function instanceError(run: RunRecord, i: InstanceRecord): TaskFailure {
  if (i.error && i.state !== 'lost' && i.state !== 'cancelled') return i.error
  switch (i.state) {
    case 'cancelled':
      return {kind: 'cancelled', name: 'TaskCancelledError', message: `${i.name} was cancelled`}
    case 'skipped':
      return {kind: 'skipped', name: 'SkippedError', message: 'skipped because an instance it needs failed'}
    default:
      return {
        kind: 'crash',
        name: 'RunLostError',
        message: `${i.name} did not finish: run ${run.id} is ${run.state}`,
      }
  }
}
