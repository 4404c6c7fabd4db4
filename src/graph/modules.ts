import {readFileSync, statSync} from 'node:fs'
import {extname} from 'node:path'

export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts']

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
  texts.clear()
  exportChecks.clear()
}

const texts = new Map<string, string | null>()

function moduleText(absPath: string): string | null {
  if (!texts.has(absPath)) {
    let text: string | null = null
    try {
      text = readFileSync(absPath, 'utf8')
    } catch {
      text = null
    }
    texts.set(absPath, text)
  }
  return texts.get(absPath)!
}

/**
 * Whether the module's text plausibly has this export. The compiler never runs modules,
 * so this is a textual check: it only says no when the name appears nowhere in the file
 * (and the file has no `export *`), which catches typos without false alarms.
 */
export function mayExport(absPath: string, name: string): boolean {
  // asked once per task: a generated graph may name the same export 100,000 times
  const key = `${absPath}\0${name}`
  let known = exportChecks.get(key)
  if (known === undefined) exportChecks.set(key, (known = searchExport(absPath, name)))
  return known
}

const exportChecks = new Map<string, boolean>()

function searchExport(absPath: string, name: string): boolean {
  const text = moduleText(absPath)
  if (text === null) return true
  if (/export\s*\*/.test(text)) return true
  if (name === 'default') return /export\s+default\b|export\s*\{[^}]*\bas\s+default\b|module\.exports\s*=/.test(text)
  return new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[$]/g, '\\$')}($|[^A-Za-z0-9_$])`).test(text)
}

/** Names the module seems to export, for "did you mean". */
export function exportedNames(absPath: string): string[] {
  const text = moduleText(absPath) ?? ''
  const names = new Set<string>()
  for (const m of text.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!)
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim()
      if (name) names.add(name)
    }
  }
  for (const m of text.matchAll(/exports\.([A-Za-z_$][\w$]*)\s*=/g)) names.add(m[1]!)
  return [...names]
}
