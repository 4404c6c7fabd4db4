// Why a value cannot cross to the parent by structured clone, in words for the user.
import {serialize} from 'node:v8'
import {DESCEND, opaque, STOP, uncloneablePart, walkValue} from '../../core/value-walk.js'

/** null when the value clones; else what is wrong, e.g. `a function is not cloneable`. */
export function uncloneable(value: unknown): string | null {
  try {
    serialize(value)
    return null
  } catch (error) {
    const found = uncloneablePart(value) ?? classInstance(value)
    if (found) return `${found} is not cloneable`
    return error instanceof Error ? error.message : String(error)
  }
}

/** the first instance of a class other than structured clone's own (a host object, maybe) */
function classInstance(value: unknown): string | null {
  let found: string | null = null
  walkValue(value, (part) => {
    if (typeof part !== 'object' || Array.isArray(part) || part instanceof Map || part instanceof Set || opaque(part)) return DESCEND
    const proto = Object.getPrototypeOf(part) as object | null
    const ctor = (part as {constructor?: {name?: string}}).constructor?.name
    if (proto === null || proto === Object.prototype || !ctor || ctor === 'Object') return DESCEND
    found = `a ${ctor}`
    return STOP
  })
  return found
}
