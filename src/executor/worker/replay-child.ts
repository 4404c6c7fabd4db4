// `rayts replay`'s process: one fn call, loaded as the pool loads it (TypeScript through
// the same hooks, with source maps), then its result or error sent back and the end.
// Its stdout goes to the replay's stderr: stdout there holds the result only.
import type {TaskFailure} from '../../core/events.js'
import {toTaskFailure} from './errors.js'
import {loadFunction} from './load-module.js'
import {uncloneable} from './clone-check.js'

export interface ReplayCall {
  readonly name: string
  readonly module: string
  readonly export: string
  readonly args: readonly unknown[]
  readonly numReturns: number
  /** pause before the call (the inspector is attached) */
  readonly pause: boolean
}

export type ReplayOutcome = {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly error: TaskFailure}

async function call(c: ReplayCall): Promise<ReplayOutcome> {
  try {
    const fn = await loadFunction(`${c.module}#${c.export}`, c.module, c.export)
    // eslint-disable-next-line no-debugger
    if (c.pause) debugger // step into the task's function from here
    const value = await fn(...c.args)
    if (c.numReturns > 1 && (!Array.isArray(value) || value.length !== c.numReturns)) {
      const got = Array.isArray(value) ? `an array of ${value.length}` : typeof value
      return {ok: false, error: {kind: 'error', name: 'TypeError', message: `${c.name} must return an array of ${c.numReturns} values (num_returns), got ${got}`}}
    }
    return {ok: true, value}
  } catch (error) {
    return {ok: false, error: toTaskFailure(error)}
  }
}

process.once('message', (c: ReplayCall) => {
  void call(c).then((out) => {
    const done = (): void => process.disconnect()
    try {
      process.send!(out, done)
    } catch {
      const why = out.ok ? uncloneable(out.value) : null
      process.send!({ok: false, error: {kind: 'error', name: 'TypeError', message: `result of ${c.name} cannot be sent: ${why ?? 'it does not clone'}`}} satisfies ReplayOutcome, done)
    }
  })
})
