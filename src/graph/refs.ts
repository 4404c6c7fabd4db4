import type {PathPart} from './model.js'

export const TASK_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/

export interface RawRef {
  readonly task: string
  /** the steps after the id, numbers where they are digits: `a.2.x` → [2, 'x'], `a[2]` → [2] */
  readonly path: PathPart[]
}

/** `ID`, `ID.2`, `ID[2]`, `ID.field.0`, `ID[2].field`. Returns an error message when malformed. */
export function parseRefText(text: string): RawRef | string {
  const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text)
  if (!m) return text === '' ? 'needs a task id (!ref ID)' : `"${text}" does not start with a task id`
  const path = parsePath(text.slice(m[0].length))
  if (typeof path === 'string') return path
  return {task: m[0], path}
}

/** `.a.0`, `[2].x`, or (for !item) `a.0` with no leading dot. */
export function parsePath(text: string, leadingDot = true): PathPart[] | string {
  const path: PathPart[] = []
  let rest = text
  if (!leadingDot && rest !== '' && !rest.startsWith('[')) rest = '.' + rest
  while (rest !== '') {
    let m = /^\.([^.[\]\s]+)/.exec(rest)
    if (m) {
      path.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]!)
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      path.push(Number(m[1]))
    } else {
      return `cannot read "${rest}" as a path (use .name, .0 or [0])`
    }
    rest = rest.slice(m[0].length)
  }
  return path
}

/** `!sub "a ${ID.x} b"`: literal strings and ref texts; `$${` is a literal `${`. */
export function parseSubText(text: string): ({lit: string} | {ref: string})[] | string {
  const parts: ({lit: string} | {ref: string})[] = []
  let lit = ''
  let i = 0
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      lit += '${'
      i += 3
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2)
      if (end < 0) return 'has a "${" without its closing "}" (write $${ for a literal ${)'
      if (lit) parts.push({lit})
      lit = ''
      parts.push({ref: text.slice(i + 2, end).trim()})
      i = end + 1
    } else {
      lit += text[i]
      i++
    }
  }
  if (lit) parts.push({lit})
  return parts
}
