import type {PathPart} from '../model.js'

const NO_PATH: readonly PathPart[] = Object.freeze([])

export interface RawRef {
  readonly task: string
  /** the steps after the id, numbers where they are digits: `a.2.x` → [2, 'x'], `a[2]` → [2] */
  readonly path: readonly PathPart[]
}

/** `ID`, `ID.2`, `ID[2]`, `ID.field.0`, `ID[2].field`. Returns an error message when malformed. */
export function parseRefText(text: string): RawRef | string {
  const end = idEnd(text)
  if (end === 0) return text === '' ? 'needs a task id (!ref ID)' : `"${text}" does not start with a task id`
  // the common `!ref ID`: no match array, no substring (one of each per ref of a big graph)
  if (end === text.length) return {task: text, path: NO_PATH}
  const path = parsePath(text.slice(end))
  if (typeof path === 'string') return path
  return {task: text.slice(0, end), path}
}

/** Where the task id at the start of text ends (0: none): a letter or _, then letters, digits, _ and -. */
function idEnd(text: string): number {
  let i = 0
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
    if (!(letter || (i > 0 && ((c >= 48 && c <= 57) || c === 45)))) break
  }
  return i
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
