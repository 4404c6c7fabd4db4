import {statSync} from 'node:fs'
import {extname} from 'node:path'
import {readExports, type ModuleError, type ModuleExports} from './module-exports.js'

const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts']

/** Why a module file cannot be used, or undefined when it looks fine. */
export function moduleProblem(absPath: string, asWritten: string): string | undefined {
  if (!MODULE_EXTENSIONS.includes(extname(absPath))) {
    return `module ${asWritten} must be a ${MODULE_EXTENSIONS.join(', ')} file`
  }
  let kind = kinds.get(absPath)
  if (kind === undefined) {
    try {
      kind = statSync(absPath).isFile() ? 'file' : 'other'
    } catch {
      kind = 'missing'
    }
    kinds.set(absPath, kind)
  }
  if (kind === 'other') return `module ${asWritten} is not a file`
  if (kind === 'missing') return `module ${asWritten} does not exist (looked for ${absPath})`
  return undefined
}

/** stat results for one compile's worth of look-ups (cleared by forgetModules) */
const kinds = new Map<string, 'file' | 'other' | 'missing'>()

/** Forget what was read of module files: a new compile sees edits made since. */
export function forgetModules(): void {
  kinds.clear()
  parsed.clear()
}

/** each module parsed once per compile */
const parsed = new Map<string, ModuleExports>()

function exportsOf(absPath: string): ModuleExports {
  let e = parsed.get(absPath)
  if (e === undefined) parsed.set(absPath, (e = readExports(absPath)))
  return e
}

/** The module's own error (a syntax error, with its place in the module), if it has one. */
export function moduleError(absPath: string): ModuleError | undefined {
  const e = exportsOf(absPath)
  return e.kind === 'error' ? e : undefined
}

/**
 * Whether the module has this export, from its parsed exports. Says yes when that cannot be
 * known without running it (CommonJS, `export *` from a package) or when the module does
 * not parse (that is reported on its own).
 */
export function mayExport(absPath: string, name: string): boolean {
  const e = exportsOf(absPath)
  return e.kind !== 'names' || e.names.has(name)
}

/** Names the module exports, for "did you mean". */
export function exportedNames(absPath: string): string[] {
  const e = exportsOf(absPath)
  return e.kind === 'error' ? [] : [...e.names]
}
