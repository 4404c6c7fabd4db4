// What a thrown value becomes when it crosses to the parent: plain TaskError data.
import type {TaskError} from '../../runtime/events.js'

export function toTaskError(thrown: unknown): TaskError {
  if (thrown instanceof Error) {
    return {kind: 'error', name: errorName(thrown), message: thrown.message, ...(thrown.stack ? {stack: thrown.stack} : {})}
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const o = thrown as {name?: unknown; message?: unknown}
    const name = typeof o.name === 'string' ? o.name : 'Error'
    const message = typeof o.message === 'string' ? o.message : safeJson(thrown)
    return {kind: 'error', name, message}
  }
  return {kind: 'error', name: 'Error', message: `non-error thrown: ${typeof thrown === 'string' ? thrown : String(thrown)}`}
}

/** `class ValueError extends Error {}` keeps name 'Error' unless set: use the constructor's. */
function errorName(error: Error): string {
  if (error.name && error.name !== 'Error') return error.name
  const ctor = (error as {constructor?: {name?: unknown}}).constructor?.name
  return typeof ctor === 'string' && ctor !== '' ? ctor : 'Error'
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
