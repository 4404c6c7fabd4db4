import {dirname, resolve} from 'node:path'
import type {CompiledGraph, PathPart} from '../model.js'
import {Compiler, TAGLESS_OPTIONS} from './compiler.js'
import {forgetModules} from '../modules/modules.js'
import {loadGraphText} from '../read/load.js'
import {sortProblems, type Problem} from '../validate/problems.js'
import {readGraphText} from '../read/read-file.js'
import {checkSchema} from '../validate/schema.js'
import {withTagsAsText} from '../validate/schema-view.js'
import {applySets} from '../read/set.js'
import {containsTag} from './templates.js'

export type CompileResult = {ok: true; graph: CompiledGraph} | {ok: false; problems: Problem[]}

export interface CompileOptions {
  /** `--set PATH=VALUE` flags, applied in order */
  readonly set?: readonly string[]
  /** parse YAML with positions from the start (see LoadOptions.positioned); for tests */
  readonly positioned?: boolean
}

/**
 * Read, parse, validate and compile a graph file. Reads files and nothing else: it never
 * runs a module. Every problem is reported, sorted by position; it never throws.
 */
export function compileGraphFile(path: string, opts: CompileOptions = {}): CompileResult {
  const file = path
  const abs = resolve(path)
  const problems: Problem[] = []
  forgetModules()
  try {
    const read = readGraphText(abs)
    if (!read.ok) return {ok: false, problems: [{file, line: 0, col: 0, message: read.message}]}
    const parsed = loadGraphText(read.text, file, {positioned: opts.positioned})
    if (!parsed.ok) return {ok: false, problems: sortProblems(parsed.problems)}
    const {value, locate, tagSites, sigil} = parsed.parsed
    const {applied, errors} = applySets(value, opts.set ?? [])
    for (const message of errors) problems.push({file, line: 0, col: 0, message})
    const setFlagAt = (path: readonly PathPart[]) =>
      applied.findLast((s) => s.path.length <= path.length && s.path.every((p, i) => String(p) === String(path[i])))?.flag
    for (const issue of withTagsAsText(tagSites, () => checkSchema(value))) {
      if (isTaggedOption(value, issue.path)) continue // the compiler names the misplaced tag
      const flag = setFlagAt(issue.path)
      if (flag !== undefined) problems.push({file, line: 0, col: 0, message: `--set ${flag}: ${issue.message}`})
      else problems.push(locate.problem(issue.path, issue.message, issue.atKey))
    }
    const schemaProblems = problems.length
    let graph: CompiledGraph | undefined
    try {
      graph = new Compiler(value, locate, sigil, abs, dirname(abs), problems).compile()
    } catch (error) {
      // data the schema already rejected can trip the semantic pass; its problems suffice
      if (schemaProblems === 0) throw error
    }
    if (problems.length > 0 || !graph) return {ok: false, problems: sortProblems(problems)}
    return {ok: true, graph}
  } catch (error) {
    const message = error instanceof RangeError ? 'the file is too deeply nested or too large to compile' : `internal error: ${error instanceof Error ? error.message : String(error)}`
    return {ok: false, problems: sortProblems([...problems, {file, line: 0, col: 0, message}])}
  }
}

/** Whether path leads into an option's value (defaults.OPT…, functions.N.OPT…, tasks.ID.OPT…) that holds a tag. */
function isTaggedOption(root: unknown, path: readonly PathPart[]): boolean {
  const at = path[0] === 'defaults' ? 1 : path[0] === 'functions' || path[0] === 'tasks' ? 2 : -1
  if (at < 0 || !TAGLESS_OPTIONS.includes(String(path[at]))) return false
  let v = root
  for (const p of path) {
    if (v === null || typeof v !== 'object') return false
    v = (v as Record<string, unknown>)[String(p)]
  }
  return containsTag(v)
}
