import {Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap} from 'yaml'
import type {Locator} from './locate.js'
import type {PathPart, SourcePos} from '../model.js'
import type {Problem} from '../validate/problems.js'
import {addTagSite, customTags, isTagName, newTagSites, Tagged, type TagSites} from './tags.js'

/** Deeper than this is no graph file: reported, never recursed into. */
export const MAX_DEPTH = 64
/** Nodes that aliases may expand to, in total (an alias bomb is cut off here). */
const MAX_ALIAS_NODES = 10_000

export interface ParsedGraph {
  /** plain data, with `Tagged` where the file has `!ref`, `!item`, `!index`, `!sub` */
  readonly value: unknown
  readonly locate: Locator
  readonly tagSites: TagSites
  /** how the file spells a tag, for messages: `!ref` (YAML) or `$ref` (JSON) */
  readonly sigil: '!' | '$'
}

export type ParseResult = {ok: true; parsed: ParsedGraph} | {ok: false; problems: Problem[]}

function parseWithPositions(text: string): {doc: Document; lineCounter: LineCounter} {
  const lineCounter = new LineCounter()
  // Duplicate keys are checked by the Walker with a Set: yaml's own check is quadratic in
  // the size of a map, and a generated graph may have 100,000 tasks.
  const doc = parseDocument(text, {lineCounter, customTags, uniqueKeys: false, prettyErrors: true})
  return {doc, lineCounter}
}

/** A Locator for the text, parsed with positions (for data read by a fast reader). */
export function positionedLocator(text: string, file: string): Locator {
  const {doc, lineCounter} = parseWithPositions(text)
  return new PositionedLocator(doc, lineCounter, text, file)
}

/** The positioned path: yaml's document with source positions, walked into plain data. */
export function parseGraphText(text: string, file: string): ParseResult {
  const {doc, lineCounter} = parseWithPositions(text)
  const problems: Problem[] = []
  let exhausted = false
  for (const e of doc.errors) {
    if (e.code === 'RESOURCE_EXHAUSTION') {
      if (exhausted) continue
      exhausted = true
    }
    const at = e.linePos?.[0] ?? {line: 1, col: 1}
    const message = e.code === 'RESOURCE_EXHAUSTION' ? `nesting too deep (more than ${MAX_DEPTH} levels)` : yamlMessage(e.message)
    problems.push({file, line: at.line, col: at.col, message})
  }
  if (problems.length > 0) return {ok: false, problems}
  const locate = new PositionedLocator(doc, lineCounter, text, file)
  const walker = new Walker(doc, locate, problems)
  const value = walker.walk(doc.contents, [], 0)
  if (problems.length > 0) return {ok: false, problems}
  return {ok: true, parsed: {value, locate, tagSites: walker.tagSites, sigil: '!'}}
}

/** yaml's message without its " at line L, column C:" tail and code excerpt. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message
  return first.replace(/ at line \d+, column \d+:?$/, '')
}

class Walker {
  private aliasNodes = 0
  private aliasReported = false
  readonly tagSites = newTagSites()
  constructor(
    private readonly doc: Document,
    private readonly locate: PositionedLocator,
    private readonly problems: Problem[],
  ) {}

  walk(node: unknown, path: PathPart[], depth: number, inAlias = false): unknown {
    if (node === null || node === undefined) return null
    if (inAlias && ++this.aliasNodes > MAX_ALIAS_NODES) {
      if (!this.aliasReported) {
        this.aliasReported = true
        this.problems.push(this.locate.problem(path, `aliases expand to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?)`))
      }
      return null
    }
    if (depth > MAX_DEPTH) {
      this.problems.push(this.locate.problem(path, `nesting too deep (more than ${MAX_DEPTH} levels)`))
      return null
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc)
      if (!target) return null
      return this.walk(target, path, depth + 1, true)
    }
    const tag = (node as YamlNode).tag
    const custom = tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!') ? tag.slice(1) : undefined
    if (custom !== undefined && !isTagName(custom)) {
      this.problems.push({...this.locate.nodePos(node as YamlNode), message: `unknown tag !${custom} (the tags are !ref, !item, !index, !sub)`})
      return null
    }
    if (isScalar(node)) {
      if (custom !== undefined) {
        const text = node.value === null || node.value === undefined ? '' : String(node.value)
        return new Tagged(custom, text.trim())
      }
      return node.value
    }
    if (custom !== undefined) {
      this.problems.push({...this.locate.nodePos(node as YamlNode), message: `!${custom} takes a scalar (like !${custom} ${custom === 'sub' ? '"text ${ID}"' : 'ID'}), not a collection`})
      return null
    }
    if (isSeq(node)) {
      const out: unknown[] = []
      node.items.forEach((item, i) => {
        const v = this.walk(item, [...path, i], depth + 1, inAlias)
        out.push(v)
        if (v instanceof Tagged) addTagSite(this.tagSites, out, i, v)
      })
      return out
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {}
      const seen = new Set<string>()
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        let key: string
        if (isScalar(pair.key)) key = pair.key.value === null ? '' : String(pair.key.value)
        else if (pair.key === null) key = ''
        else {
          this.problems.push({...this.locate.nodePos(pair.key as YamlNode), message: 'a key must be a plain scalar'})
          continue
        }
        if (seen.has(key)) {
          this.problems.push({...this.locate.nodePos(pair.key as YamlNode), message: 'Map keys must be unique'})
          continue
        }
        seen.add(key)
        if (key === '<<') {
          this.problems.push({...this.locate.nodePos(pair.key as YamlNode), message: 'merge keys (<<) are not supported'})
          continue
        }
        const v = this.walk(pair.value, [...path, key], depth + 1, inAlias)
        Object.defineProperty(out, key, {value: v, enumerable: true, writable: true, configurable: true})
        if (v instanceof Tagged) addTagSite(this.tagSites, out, key, v)
      }
      return out
    }
    return null
  }
}

/** Maps data paths back to places in yaml's document. */
class PositionedLocator implements Locator {
  /** key → pair, per map node, made on first look-up: a graph may have 100,000 tasks */
  private readonly keyIndex = new WeakMap<object, Map<string, Pair>>()

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly text: string,
    readonly file: string,
  ) {}

  /** Position of the node at `path` (its key, when `key` and the last step is a map key). */
  at(path: readonly PathPart[], key = false): SourcePos {
    let cur: unknown = this.doc.contents
    let last: unknown = cur
    let keyNode: unknown
    for (const [i, seg] of path.entries()) {
      if (isAlias(cur)) cur = cur.resolve(this.doc)
      let next: unknown
      keyNode = undefined
      if (isMap(cur)) {
        const pair = this.pairOf(cur, String(seg))
        if (pair) {
          next = pair.value ?? pair.key
          keyNode = pair.key
          if (pair.value === null && i === path.length - 1) next = pair.key
        }
      } else if (isSeq(cur) && typeof seg === 'number') next = cur.items[seg]
      if (next === undefined || next === null) break
      last = next
      cur = next
      if (i === path.length - 1 && key && keyNode) last = keyNode
    }
    return this.nodePos(last as YamlNode | null)
  }

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.keyIndex.get(map)
    if (!index) {
      index = new Map()
      for (const p of map.items) {
        if (isScalar(p.key)) {
          const k = String(p.key.value)
          if (!index.has(k)) index.set(k, p as Pair)
        }
      }
      this.keyIndex.set(map, index)
    }
    return index.get(key)
  }

  problem(path: readonly PathPart[], message: string, key = false): Problem {
    return {...this.at(path, key), message}
  }

  /** Where a node starts, including its tag (`!ref x` starts at the `!`). */
  nodePos(node: YamlNode | null | undefined): SourcePos {
    let offset = node?.range?.[0] ?? 0
    const tag = node?.tag
    if (tag?.startsWith('!') && !tag.startsWith('!!')) {
      const i = this.text.lastIndexOf(tag, offset)
      if (i >= 0 && /^\s*$/.test(this.text.slice(i + tag.length, offset))) offset = i
    }
    const {line, col} = this.lines.linePos(offset)
    return {file: this.file, line: Math.max(line, 1), col: Math.max(col, 1)}
  }
}
