// A task's error as plain JSON (`--json` output of run, get and wait).
import type {TaskFailure} from '../core/events.js'
import type {Json} from './json.js'

export function errorJson(e: TaskFailure): Json {
  const o: {[k: string]: Json} = {kind: e.kind, name: e.name, message: e.message}
  if (e.stack !== undefined) o.stack = e.stack
  if (e.exitCode !== undefined) o.exitCode = e.exitCode
  if (e.signal !== undefined) o.signal = e.signal
  return o
}
