// `.json` graph files: JSON.parse for speed, tags spelled as one-key objects
// ({"$ref": "ID.path"}, {"$item": "path"} or true, {"$index": true}, {"$sub": "text ${ID}"}).
// Positions come from yaml's positioned parse of the same text, made only for a problem.
import {findJsonError} from './json-syntax.js'
import {LazyLocator, LineIndex} from './locate.js'
import type {PathPart} from '../model.js'
import {MAX_DEPTH, parseGraphText, positionedLocator, type ParseResult} from './parse.js'
import {addTagSite, isTagName, newTagSites, Tagged, type TagName, type TagSites} from './tags.js'

export function parseJsonGraph(text: string, file: string): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    const e = findJsonError(text) ?? {offset: 0, message: 'cannot be read'}
    return {ok: false, problems: [{file, ...new LineIndex(text).pos(e.offset), message: `not valid JSON: ${e.message}`}]}
  }
  const scan = scanKeys(text)
  const locate = new LazyLocator(file, text, scan.keyOffsets, () => positionedLocator(text, file))
  const reader = new TagReader()
  const value = reader.root(data)
  if (reader.problems.length > 0) return {ok: false, problems: reader.problems.map(({path, message}) => locate.problem(path, message))}
  if (reader.keys !== scan.keys) {
    // JSON.parse keeps the last of duplicate keys silently; yaml names them
    const dup = parseGraphText(text, file)
    return {ok: false, problems: dup.ok ? [{file, line: 0, col: 0, message: 'has duplicate keys'}] : dup.problems}
  }
  return {ok: true, parsed: {value, locate, tagSites: reader.tagSites, sigil: '$'}}
}

const EXAMPLES: Record<TagName, string> = {
  ref: '{"$ref": "ID.path"}',
  item: '{"$item": "path"}',
  index: '{"$index": true}',
  sub: '{"$sub": "text ${ID}"}',
}

const TAG_FORMS: Record<TagName, string> = {
  ref: 'takes a task id and path as a string, like {"$ref": "ID.path"}',
  item: 'takes a path as a string, or true, like {"$item": "path"}',
  index: 'takes true: {"$index": true}',
  sub: 'takes a string, like {"$sub": "text ${ID}"}',
}

/** Turns tag objects into Tagged, counting keys (for the duplicate check) and nesting. */
class TagReader {
  keys = 0
  readonly problems: {path: PathPart[]; message: string}[] = []
  readonly tagSites: TagSites = newTagSites()
  private readonly path: PathPart[] = []
  private tooDeep = false

  root(data: unknown): unknown {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return this.value(data, 0)
    this.children(data as Record<string, unknown>, 0)
    return data
  }

  private report(message: string): void {
    this.problems.push({path: [...this.path], message})
  }

  private value(v: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) {
      if (!this.tooDeep) this.report(`nesting too deep (more than ${MAX_DEPTH} levels)`)
      this.tooDeep = true
      return null
    }
    if (v === null || typeof v !== 'object') return v
    if (!Array.isArray(v)) {
      const tag = this.tag(v as Record<string, unknown>)
      if (tag !== undefined) {
        this.keys++
        return tag
      }
    }
    this.children(v as Record<string, unknown>, depth)
    return v
  }

  /** Replace tag objects among the children, in place. */
  private children(obj: Record<string | number, unknown>, depth: number): void {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        this.path.push(i)
        const v = obj[i]
        const w = this.value(v, depth + 1)
        if (w !== v) obj[i] = w
        if (w instanceof Tagged) addTagSite(this.tagSites, obj, i, w)
        this.path.pop()
      }
      return
    }
    for (const k in obj) {
      this.keys++
      this.path.push(k)
      const v = obj[k]
      const w = this.value(v, depth + 1)
      if (w !== v) Object.defineProperty(obj, k, {value: w, enumerable: true, writable: true, configurable: true})
      if (w instanceof Tagged) addTagSite(this.tagSites, obj, k, w)
      this.path.pop()
    }
  }

  /** A tag object's Tagged; undefined when obj is plain data. Reports malformed tags. */
  private tag(obj: Record<string, unknown>): Tagged | undefined {
    let first: string | undefined
    let count = 0
    for (const k in obj) {
      if (count++ === 0) first = k
      else break
    }
    if (count !== 1) {
      for (const k in obj) {
        if (k.startsWith('$') && isTagName(k.slice(1))) {
          this.report(`${k} must be the only key of its object: a tag is a one-key object, like ${EXAMPLES[k.slice(1) as TagName]}`)
          break
        }
      }
      return undefined
    }
    if (!/^\$[A-Za-z]/.test(first!)) return undefined
    const name = first!.slice(1)
    if (!isTagName(name)) {
      this.report(`unknown tag ${first} (the tags are $ref, $item, $index, $sub)`)
      return undefined
    }
    const arg = obj[first!]
    let text: string | undefined
    if (name === 'index') text = arg === true ? '' : undefined
    else if (name === 'item' && arg === true) text = ''
    else if (typeof arg === 'string') text = arg.trim()
    if (text === undefined) {
      this.report(`${first} ${TAG_FORMS[name]}`)
      return undefined
    }
    return new Tagged(name, text)
  }
}

/**
 * One pass over valid JSON text: how many keys it holds (more than the parsed data has means
 * duplicates) and where the keys one level down (tasks.ID, functions.NAME…) start.
 */
function scanKeys(text: string): {keys: number; keyOffsets: Map<string, Map<string, number>>} {
  const keyOffsets = new Map<string, Map<string, number>>()
  let keys = 0
  let depth = 0
  let rootKey: Map<string, number> | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) depth--
    else if (c === 0x22) {
      const start = i
      let end = text.indexOf('"', i + 1)
      while (isEscaped(text, end)) end = text.indexOf('"', end + 1)
      i = end
      let j = end + 1
      while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j++
      if (text.charCodeAt(j) !== 0x3a) continue
      keys++
      if (depth === 1 || depth === 2) {
        const raw = text.slice(start, end + 1)
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        if (depth === 1) {
          rootKey = keyOffsets.get(key)
          if (!rootKey) keyOffsets.set(key, (rootKey = new Map()))
        } else if (rootKey && !rootKey.has(key)) rootKey.set(key, start)
      }
    }
  }
  return {keys, keyOffsets}
}

function isEscaped(text: string, quote: number): boolean {
  let b = 0
  while (text.charCodeAt(quote - 1 - b) === 0x5c) b++
  return b % 2 === 1
}
