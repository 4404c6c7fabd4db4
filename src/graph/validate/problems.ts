import {relative, isAbsolute} from 'node:path'

/** One problem in a graph file. `line` 0 means the problem has no place in the file (e.g. a --set flag). */
export interface Problem {
  file: string
  line: number
  col: number
  message: string
}

/** `FILE:LINE:COL: message` (or `FILE: message` when the problem has no place in the file). */
export function formatProblem(p: Problem): string {
  const file = displayPath(p.file)
  return p.line > 0 ? `${file}:${p.line}:${p.col}: ${p.message}` : `${file}: ${p.message}`
}

/** A path as a user would type it: relative to the current folder when it lies below it. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file
  const rel = relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file
}

export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>()
  return problems
    .filter((p) => {
      const key = `${p.file}:${p.line}:${p.col}:${p.message}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .sort((a, b) => a.line - b.line || a.col - b.col)
}
