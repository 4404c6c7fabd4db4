// The simple part of .gitignore: one pattern a line, `*`/`?`/`**` globs, a trailing `/`
// for folders, a leading `/` (or a `/` inside) to anchor at the file's folder. `!` lines
// are not supported (ignored). node_modules and .git are always skipped.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

export interface IgnoreRule {
  /** folder (relative to the packed root, '' for the root) the .gitignore lives in */
  readonly base: string
  readonly re: RegExp
  readonly dirOnly: boolean
  readonly anchored: boolean
}

export const ALWAYS_SKIPPED = new Set(['node_modules', '.git'])

function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*'
      i++
      if (glob[i + 1] === '/') i++
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

export function readIgnoreFile(dir: string, base: string): IgnoreRule[] {
  const file = join(dir, '.gitignore')
  if (!existsSync(file)) return []
  const rules: IgnoreRule[] = []
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    let line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    const dirOnly = line.endsWith('/')
    if (dirOnly) line = line.slice(0, -1)
    const anchored = line.includes('/')
    if (line.startsWith('/')) line = line.slice(1)
    rules.push({base, re: globToRegExp(line), dirOnly, anchored})
  }
  return rules
}

/** `rel`: the path relative to the packed root, '/'-separated */
export function isIgnored(rules: readonly IgnoreRule[], rel: string, isDir: boolean): boolean {
  const name = rel.slice(rel.lastIndexOf('/') + 1)
  if (ALWAYS_SKIPPED.has(name)) return true
  for (const r of rules) {
    if (r.dirOnly && !isDir) continue
    if (r.base !== '' && !rel.startsWith(`${r.base}/`)) continue
    const local = r.base === '' ? rel : rel.slice(r.base.length + 1)
    if (r.anchored ? r.re.test(local) : r.re.test(name)) return true
  }
  return false
}
