// What a thrown value becomes when it crosses to the parent: plain TaskFailure data.
import {fileURLToPath} from 'node:url'
import type {TaskFailure} from '../../core/events.js'

export function toTaskFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof Error) {
    return {kind: 'error', name: errorName(thrown), message: thrown.message, ...(thrown.stack ? {stack: userStack(thrown.stack)} : {})}
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

/** rayts' own code (src/ or dist/src/), as a path and as a file URL */
const OWN_URL = new URL('../../', import.meta.url).href
const OWN_PATH = fileURLToPath(OWN_URL)

/** A frame of rayts, of node's internals, or of no file: not the user's code. */
function notUsers(frame: string): boolean {
  return frame.includes(OWN_PATH) || frame.includes(OWN_URL) || /[ (]node:|\(<anonymous>\)|\(native\)/.test(frame)
}

/**
 * The stack as the user's code made it, the way Ray shows it: the frames below the last
 * frame of the user's code (rayts calling the task, node's task queues) are cut. Frames
 * above it stay, node's included (readFileSync inside the user's function). A stack with
 * no frame of the user's (an error of rayts or of a module load) keeps its message part.
 */
export function userStack(stack: string): string {
  const lines = stack.split('\n')
  const first = lines.findIndex((l) => /^\s+at /.test(l))
  if (first < 0) return stack
  let last = -1
  for (let i = lines.length - 1; i >= first; i--) {
    if (/^\s+at /.test(lines[i]!) && !notUsers(lines[i]!)) {
      last = i
      break
    }
  }
  return lines.slice(0, last < 0 ? first : last + 1).join('\n')
}
