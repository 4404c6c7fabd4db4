import type {PathPart, SourcePos} from '../model.js'
import type {Problem} from '../validate/problems.js'

/** Maps data paths back to places in the file. */
export interface Locator {
  readonly file: string
  /** Position of the node at `path` (of its key, when `key` and the last step is a map key). */
  at(path: readonly PathPart[], key?: boolean): SourcePos
  problem(path: readonly PathPart[], message: string, key?: boolean): Problem
}

/** Offsets to 1-based lines and columns. */
export class LineIndex {
  private starts: number[] | undefined
  constructor(private readonly text: string) {}

  pos(offset: number): {line: number; col: number} {
    const line = this.lineOf(offset)
    return {line: line + 1, col: offset - this.starts![line]! + 1}
  }

  /** the place of offset in file, made in one object (one per task of a big graph) */
  sourcePos(file: string, offset: number): SourcePos {
    const line = this.lineOf(offset)
    return {file, line: line + 1, col: offset - this.starts![line]! + 1}
  }

  /** 0-based line of offset */
  private lineOf(offset: number): number {
    const starts = (this.starts ??= lineStarts(this.text))
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/**
 * For data read without positions: the keys one level down (tasks.ID…) are placed from the
 * offsets the fast reader kept; anything else re-parses the file with positions, once, on
 * the first look-up (which a graph without problems never makes).
 */
export class LazyLocator implements Locator {
  private positioned: Locator | undefined
  private readonly lines: LineIndex

  constructor(
    readonly file: string,
    text: string,
    private readonly keyOffsets: ReadonlyMap<string, ReadonlyMap<string, number>>,
    private readonly parseWithPositions: () => Locator,
  ) {
    this.lines = new LineIndex(text)
  }

  at(path: readonly PathPart[], key = false): SourcePos {
    if (key && path.length === 2) {
      const offset = this.keyOffsets.get(String(path[0]))?.get(String(path[1]))
      if (offset !== undefined) return this.lines.sourcePos(this.file, offset)
    }
    this.positioned ??= this.parseWithPositions()
    return this.positioned.at(path, key)
  }

  problem(path: readonly PathPart[], message: string, key = false): Problem {
    return {...this.at(path, key), message}
  }
}
