// A fast reader for the plain subset of YAML that generated graph files are written in:
// block maps and lists, flow maps and lists, plain and quoted one-line scalars, comments and
// the four tags. It keeps no positions and makes no messages: on anything outside the subset
// (anchors, aliases, block scalars, multi-line scalars, other tags, duplicate keys, errors) it
// gives up and the file takes the positioned path (parse.ts), which reports or reads it.
//
// Measured on a 100,000-task chain (4.2 MB, one task a line, 2 loaded cores): yaml's
// parseDocument takes 11 s and 640 MB peak RSS (its CST alone 5 s, 414 MB); this reads it in
// a few hundred ms. What it reads must equal what the positioned path reads (test/graph/fast-path.test.ts).
import {CST, isScalar, Schema} from 'yaml'
import {addTagSite, isTagName, newTagSites, Tagged, type TagSites} from './tags.js'

/** The nesting a fast read gives up at (parse.ts reports beyond MAX_DEPTH, which is larger). */
const FAST_MAX_DEPTH = 60

export interface FastRead {
  readonly value: unknown
  /** where the keys of the maps one level down (tasks.ID, functions.NAME…) start, as offsets */
  readonly keyOffsets: ReadonlyMap<string, ReadonlyMap<string, number>>
  readonly tagSites: TagSites
}

/** The text as data, or undefined when it is not in the subset (then parse it with positions). */
export function readYamlFast(text: string): FastRead | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined
  try {
    return new FastYaml(text).read()
  } catch (error) {
    if (error === GIVE_UP) return undefined
    throw error
  }
}

// tabs, CR, control characters, NEL, line and paragraph separators, a BOM not at the start
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/

const GIVE_UP = Symbol('outside the fast subset')
function giveUp(): never {
  throw GIVE_UP
}

const NL = 10
const SP = 32
const HASH = 35
const COLON = 58
const DASH = 45
const COMMA = 44
const DQ = 34
const SQ = 39
const BANG = 33
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125

const isFlowIndicator = (c: number) => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE
/** characters no plain scalar may start with (YAML's indicators; - ? : are handled apart) */
const BAD_PLAIN_START = new Set([...',[]{}#&*!|>\'"%@`?:'].map((c) => c.charCodeAt(0)))

// the core schema yaml resolves plain scalars with, taken from yaml itself so the two agree
const schemaTags = new Schema({}).tags.filter((t) => t.default === true && t.test !== undefined)
const RESOLVE_OPTIONS = {intAsBigInt: false} as const
const WORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'])

/** A plain scalar's value, as yaml's core schema reads it. */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0)
  // words starting with a letter or _ can only be null or a boolean; everything else is a string
  if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) && !WORDS.has(s)) return s
  for (const tag of schemaTags) {
    if (!tag.test!.test(s)) continue
    const res = (tag.resolve as (s: string, onError: (m: string) => void, o: object) => unknown)(s, giveUp, RESOLVE_OPTIONS)
    return isScalar(res) ? res.value : res
  }
  return s
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
  else obj[key] = value
}

class FastYaml {
  private i = 0
  /** indent of the current content line, -1 at the end */
  private indent = 0
  private lineStart = 0
  private depth = 0
  private rootKey = ''
  private readonly keyOffsets = new Map<string, Map<string, number>>()
  private readonly tagSites: TagSites = newTagSites()

  constructor(private readonly s: string) {}

  read(): FastRead {
    const indent = this.toContent()
    if (indent !== 0) giveUp()
    const c = this.s.charCodeAt(this.i)
    let value: unknown
    if (c === LBRACE) {
      value = this.flowCollection(-1)
      this.endLine()
      if (this.toContent() !== -1) giveUp()
    } else {
      value = this.blockMap(0)
      if (this.indent !== -1) giveUp()
    }
    return {value, keyOffsets: this.keyOffsets, tagSites: this.tagSites}
  }

  // ---- lines ----

  /** From the start of a line to the first character of the next line with content; its indent, or -1 at the end. */
  private toContent(): number {
    const s = this.s
    for (;;) {
      let j = this.i
      while (s.charCodeAt(j) === SP) j++
      if (j >= s.length) {
        this.i = s.length
        return (this.indent = -1)
      }
      const c = s.charCodeAt(j)
      if (c === NL) {
        this.i = j + 1
        continue
      }
      if (c === HASH) {
        const nl = s.indexOf('\n', j)
        this.i = nl < 0 ? s.length : nl + 1
        continue
      }
      const indent = j - this.i
      if (indent === 0 && (c === 37 /* % */ || ((s.startsWith('---', j) || s.startsWith('...', j)) && this.isBlankAt(j + 3)))) giveUp()
      this.lineStart = this.i
      this.i = j
      return (this.indent = indent)
    }
  }

  private isBlankAt(j: number): boolean {
    const c = this.s.charCodeAt(j)
    return j >= this.s.length || c === SP || c === NL
  }

  /** After a value: spaces and a comment to the end of the line, then on to the next line. */
  private endLine(): void {
    const s = this.s
    let j = this.i
    while (s.charCodeAt(j) === SP) j++
    if (j < s.length) {
      const c = s.charCodeAt(j)
      if (c === HASH) {
        if (j === this.i) giveUp() // a comment needs a space before it
        const nl = s.indexOf('\n', j)
        j = nl < 0 ? s.length : nl
      } else if (c !== NL) giveUp()
    }
    this.i = j < s.length ? j + 1 : j
  }

  private skipSpaces(): void {
    while (this.s.charCodeAt(this.i) === SP) this.i++
  }

  /** At the end of the line's content (spaces then a comment or the line end)? */
  private atLineEnd(): boolean {
    const c = this.s.charCodeAt(this.i)
    return this.i >= this.s.length || c === NL || (c === HASH && this.s.charCodeAt(this.i - 1) === SP)
  }

  private isSeqIndicator(): boolean {
    return this.s.charCodeAt(this.i) === DASH && this.isBlankAt(this.i + 1)
  }

  private enter(): void {
    if (++this.depth > FAST_MAX_DEPTH) giveUp()
  }

  // ---- block collections ----

  /** Keys at this indent, the first at the current position. Ends at a line indented less. */
  private blockMap(n: number): Record<string, unknown> {
    this.enter()
    const obj: Record<string, unknown> = {}
    const offsets = this.depth === 2 ? this.offsetsOf(this.rootKey) : undefined
    for (;;) {
      const at = this.i
      const key = this.blockKey()
      if (key === undefined || key === '<<' || Object.hasOwn(obj, key)) giveUp()
      if (this.depth === 1) this.rootKey = key
      offsets?.set(key, at)
      this.skipSpaces()
      let value: unknown
      if (this.atLineEnd()) {
        this.endLine()
        const next = this.toContent()
        if (next > n) value = this.blockNode()
        else if (next === n && this.isSeqIndicator()) value = this.blockSeq(n)
        else value = null
      } else {
        value = this.node(n, obj, key, false)
        this.endLine()
        if (this.toContent() > n) giveUp()
      }
      setKey(obj, key, value)
      if (this.indent < n) break
      if (this.indent > n || this.isSeqIndicator()) giveUp()
    }
    this.depth--
    return obj
  }

  private offsetsOf(rootKey: string): Map<string, number> {
    let m = this.keyOffsets.get(rootKey)
    if (!m) this.keyOffsets.set(rootKey, (m = new Map()))
    return m
  }

  /** Items at this indent, the first at the current position. */
  private blockSeq(n: number): unknown[] {
    this.enter()
    const arr: unknown[] = []
    for (;;) {
      this.i++ // the -
      this.skipSpaces()
      if (this.atLineEnd()) {
        this.endLine()
        arr.push(this.toContent() > n ? this.blockNode() : null)
      } else {
        const col = this.i - this.lineStart
        if (this.isSeqIndicator()) {
          this.indent = col
          arr.push(this.blockSeq(col))
        } else if (this.isKeyAhead()) {
          this.indent = col
          arr.push(this.blockMap(col))
        } else {
          arr.push(this.node(n, arr, arr.length, false))
          this.endLine()
          if (this.toContent() > n) giveUp()
        }
      }
      if (this.indent !== n || !this.isSeqIndicator()) break
    }
    if (this.indent > n) giveUp()
    this.depth--
    return arr
  }

  /** The value on the lines below a key or a dash (the caller checked it is indented deeper). */
  private blockNode(): unknown {
    const m = this.indent
    if (this.isSeqIndicator()) return this.blockSeq(m)
    if (this.isKeyAhead()) return this.blockMap(m)
    // a scalar or flow collection alone on its line: the slow path reads those
    return giveUp()
  }

  /** Does a `key:` start here? */
  private isKeyAhead(): boolean {
    const at = this.i
    try {
      return this.blockKey() !== undefined
    } catch (error) {
      if (error === GIVE_UP) return false
      throw error
    } finally {
      this.i = at
    }
  }

  /** A map key and its `:` (followed by a space or the line end), or undefined (position then undefined too). */
  private blockKey(): string | undefined {
    const s = this.s
    const c = s.charCodeAt(this.i)
    let key: string
    if (c === DQ || c === SQ) {
      key = this.quoted()
      this.skipSpaces()
      if (s.charCodeAt(this.i) !== COLON) return undefined
    } else {
      const start = this.i
      const text = this.plain(false)
      if (text === undefined) return undefined
      this.skipSpaces()
      if (s.charCodeAt(this.i) !== COLON) return undefined
      if (this.i - start > 1024) giveUp()
      const v = resolvePlain(text)
      key = v === null ? '' : String(v)
    }
    if (!this.isBlankAt(this.i + 1)) return undefined
    this.i++
    return key
  }

  // ---- values on one line ----

  /**
   * A value after `key: ` or `- ` (block), or inside a flow collection (flow): a tag, a
   * quoted or plain scalar, or a flow collection. A block plain scalar followed by `:` is a
   * key this reader does not take.
   */
  private node(n: number, holder: object, key: string | number, flow: boolean): unknown {
    const c = this.s.charCodeAt(this.i)
    if (c === LBRACKET || c === LBRACE) return this.flowCollection(n)
    if (c === DQ || c === SQ) return this.quoted()
    if (c === BANG) return this.tagged(flow, holder, key)
    const text = this.plain(flow)
    if (text === undefined || (!flow && this.s.charCodeAt(this.i) === COLON)) giveUp()
    return resolvePlain(text)
  }

  /**
   * A plain scalar from here: in block context it ends at `: `, ` #` or the line end; in flow
   * context also at , [ ] { }. Trailing spaces are not part of it. Undefined if none starts here.
   */
  private plain(flow: boolean): string | undefined {
    const s = this.s
    const start = this.i
    const c0 = s.charCodeAt(start)
    if (c0 === DASH) {
      const c1 = s.charCodeAt(start + 1)
      if (start + 1 >= s.length || c1 === SP || c1 === NL || (flow && isFlowIndicator(c1))) return undefined
    } else if (BAD_PLAIN_START.has(c0) || c0 === SP || c0 === NL || start >= s.length) return undefined
    let j = start + 1
    let end = j
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j)
      if (c === NL) break
      if (c === SP) continue
      if (c === HASH && s.charCodeAt(j - 1) === SP) break
      if (c === COLON) {
        const next = s.charCodeAt(j + 1)
        if (j + 1 >= s.length || next === SP || next === NL || (flow && isFlowIndicator(next))) break
        if (flow) giveUp() // `a:b` inside a flow collection: rare, and subtle
      }
      if (flow && isFlowIndicator(c)) break
      end = j + 1
    }
    this.i = end
    return s.slice(start, end)
  }

  /** A quoted scalar on one line. */
  private quoted(): string {
    const s = this.s
    const q = s.charCodeAt(this.i)
    const start = this.i
    let j = start + 1
    let escapes = false // '' in a single-quoted scalar
    for (;;) {
      const k = s.indexOf(q === DQ ? '"' : "'", j)
      const nl = s.indexOf('\n', j)
      if (k < 0 || (nl >= 0 && nl < k)) giveUp() // unterminated, or a multi-line scalar
      if (q === SQ) {
        if (s.charCodeAt(k + 1) === SQ) {
          escapes = true
          j = k + 2
          continue
        }
      } else {
        let b = 0
        while (s.charCodeAt(k - 1 - b) === 92 /* \ */) b++
        if (b % 2 === 1) {
          j = k + 1
          continue
        }
      }
      this.i = k + 1
      break
    }
    const inner = s.slice(start + 1, this.i - 1)
    if (q === SQ) return escapes ? inner.replaceAll("''", "'") : inner
    if (!inner.includes('\\')) return inner
    let failed = false
    const r = CST.resolveAsScalar({type: 'double-quoted-scalar', offset: 0, indent: 0, source: s.slice(start, this.i)}, true, () => (failed = true))
    if (failed || typeof r?.value !== 'string') giveUp()
    return r.value
  }

  /** `!ref x`, `!item`, `!index`, `!sub "…"`: a Tagged with its scalar's text. */
  private tagged(flow: boolean, holder: object, key: string | number): Tagged {
    const s = this.s
    let j = this.i + 1
    while (j < s.length) {
      const c = s.charCodeAt(j)
      if (c === SP || c === NL || isFlowIndicator(c) || c === BANG) break
      j++
    }
    const name = s.slice(this.i + 1, j)
    if (!isTagName(name)) giveUp()
    const c = s.charCodeAt(j)
    if (c === BANG || (!flow && isFlowIndicator(c))) giveUp()
    this.i = j
    this.skipSpaces()
    let text = ''
    const v = s.charCodeAt(this.i)
    if (this.atLineEnd() || (flow && (v === COMMA || v === RBRACKET || v === RBRACE))) text = ''
    else if (j === this.i) giveUp()
    else if (v === DQ || v === SQ) text = this.quoted()
    else {
      const p = this.plain(flow)
      if (p === undefined) giveUp()
      text = p
    }
    const t = new Tagged(name, text.trim())
    addTagSite(this.tagSites, holder, key, t)
    return t
  }

  // ---- flow collections ----

  /** Spaces, line breaks and comments inside a flow collection; its lines must be indented more than n. */
  private flowSpace(n: number): void {
    const s = this.s
    for (;;) {
      const c = s.charCodeAt(this.i)
      if (c === SP) this.i++
      else if (c === NL) {
        this.i++
        let j = this.i
        while (s.charCodeAt(j) === SP) j++
        const blank = j >= s.length || s.charCodeAt(j) === NL
        if (!blank && j - this.i <= n) giveUp()
        if (j - this.i === 0 && (s.startsWith('---', j) || s.startsWith('...', j))) giveUp()
        this.i = j
      } else if (c === HASH) {
        const p = s.charCodeAt(this.i - 1)
        if (p !== SP && p !== NL) giveUp()
        const nl = s.indexOf('\n', this.i)
        this.i = nl < 0 ? s.length : nl
      } else return
    }
  }

  private flowCollection(n: number): unknown {
    this.enter()
    const isMap = this.s.charCodeAt(this.i) === LBRACE
    const close = isMap ? RBRACE : RBRACKET
    this.i++
    const offsets = isMap && this.depth === 2 ? this.offsetsOf(this.rootKey) : undefined
    const out: unknown = isMap ? {} : []
    for (;;) {
      this.flowSpace(n)
      if (this.i >= this.s.length) giveUp()
      if (this.s.charCodeAt(this.i) === close) {
        this.i++
        break
      }
      if (isMap) this.flowEntry(n, out as Record<string, unknown>, offsets)
      else {
        const arr = out as unknown[]
        arr.push(this.node(n, arr, arr.length, true))
        this.skipSpaces()
        if (this.s.charCodeAt(this.i) === COLON) giveUp() // a pair in a list
      }
      this.flowSpace(n)
      const c = this.s.charCodeAt(this.i)
      if (c === COMMA) this.i++
      else if (c !== close) giveUp()
    }
    this.depth--
    return out
  }

  private flowEntry(n: number, obj: Record<string, unknown>, offsets: Map<string, number> | undefined): void {
    const s = this.s
    const at = this.i
    const c = s.charCodeAt(at)
    let key: string
    let quotedKey = false
    if (c === DQ || c === SQ) {
      key = this.quoted()
      quotedKey = true
    } else {
      const text = this.plain(true)
      if (text === undefined) giveUp()
      const v = resolvePlain(text)
      key = v === null ? '' : String(v)
    }
    if (key === '<<' || Object.hasOwn(obj, key)) giveUp()
    if (this.depth === 1) this.rootKey = key
    offsets?.set(key, at)
    this.skipSpaces()
    let value: unknown = null
    if (s.charCodeAt(this.i) === COLON) {
      const next = s.charCodeAt(this.i + 1)
      if (!quotedKey && !(this.isBlankAt(this.i + 1) || isFlowIndicator(next))) giveUp()
      this.i++
      this.flowSpace(n)
      const v = s.charCodeAt(this.i)
      if (v !== COMMA && v !== RBRACE) value = this.node(n, obj, key, true)
    }
    setKey(obj, key, value)
  }
}
