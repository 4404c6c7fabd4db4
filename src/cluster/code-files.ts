// Which files a cluster run's code pack holds: the fn modules and every file they import
// (imports.ts), plus the files the graph's `include` globs match in its folder (for what no
// import names: scripts of cmd tasks, data read at run time), skipping what .gitignore
// ignores there. The root is the folder that holds them all and the graph's folder.
import {lstatSync, readdirSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import ignore from 'ignore'
import type {CompiledGraph, TaskSpec} from '../graph/model.js'
import {commonFolder} from './code-pack.js'
import {GitIgnores, repositoryTop} from './ignore.js'
import {importClosure, type ImportClosure} from './imports.js'
import {RaytsError} from '../core/errors.js'

export interface CodeSelection {
  /** absolute folder the paths are relative to (workers unpack it as their copy) */
  readonly root: string
  /** '/'-separated paths under root, sorted */
  readonly files: readonly string[]
  /** task working folders under root, created on the workers even if no file is in them */
  readonly dirs: readonly string[]
  /** relative imports that name no file */
  readonly missing: ImportClosure['missing']
  /** `include` globs that matched no file */
  readonly unmatched: readonly string[]
}

/**
 * What a code pack is made from: a folder, its `include` globs, and tasks (their modules and
 * working folders, and what they hold while they run). A compiled graph is one; a library
 * session, whose graph grows while it runs, gives the modules it declared.
 */
export type CodeSource = Pick<CompiledGraph, 'dir' | 'include'> & {readonly tasks: readonly Pick<TaskSpec, 'id' | 'fn' | 'cwd' | 'options'>[]}

export class IncludeError extends RaytsError {
  override name = 'IncludeError'
  override readonly code = 'RAYTS_ERR_INCLUDE'
}

const slash = (p: string): string => p.split(sep).join('/')
const IN_PACKAGES = `${sep}node_modules${sep}`

export async function selectCode(graph: CodeSource): Promise<CodeSelection> {
  const modules = [...new Set(graph.tasks.flatMap((t) => (t.fn ? [t.fn.module] : [])))]
  const closure = await importClosure(modules)
  const included = includedFiles(graph.dir, graph.include ?? [])
  const all = [...new Set([...closure.files, ...included.files])].filter((f) => !f.includes(IN_PACKAGES))
  const root = commonFolder([graph.dir, ...all.map(dirname)])
  const dirs = new Set<string>()
  for (const t of graph.tasks) {
    const rel = relative(root, t.cwd)
    if (rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep)) dirs.add(slash(rel))
  }
  return {
    root,
    files: all.map((f) => slash(relative(root, f))).sort(),
    dirs: [...dirs].sort(),
    missing: closure.missing,
    unmatched: included.unmatched,
  }
}

/** files under `dir` that the globs match (gitignore syntax), less what .gitignore ignores */
function includedFiles(dir: string, globs: readonly string[]): {files: string[]; unmatched: string[]} {
  if (globs.length === 0) return {files: [], unmatched: []}
  for (const g of globs) {
    if (/^!?(\.\.?\/|\.\.$)/.test(g) || g.includes('/../')) throw new IncludeError(`include: "${g}" leaves the graph's folder (${dir}): globs are relative to it, without . or ..`)
  }
  const wanted = ignore().add([...globs])
  const seen = new Set<string>()
  const gitignores = new GitIgnores(repositoryTop(dir) ?? dir)
  const files: string[] = []
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name)
      const st = lstatSync(path)
      if (st.isSymbolicLink() || gitignores.ignored(path, st.isDirectory())) continue
      if (st.isDirectory()) walk(path)
      else if (st.isFile()) {
        const r = wanted.test(slash(relative(dir, path)))
        if (!r.ignored) continue
        files.push(path)
        if (r.rule) seen.add(r.rule.pattern)
      }
    }
  }
  walk(dir)
  return {files, unmatched: globs.filter((g) => !g.startsWith('!') && !seen.has(g))}
}
