// The files a cmd task's `inputs:` names (globs relative to the graph's folder), each with
// a sha256 of its contents, for the cache key. A pattern that matches nothing counts as
// such (a file that appears later changes the key).
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {isAbsolute, join, relative, resolve, sep} from 'node:path'

const GLOB = /[*?[\]{}]/

/** relative path (from `dir`) → sha256 hex; a pattern without a match → `<none>` under the pattern */
export function hashInputs(dir: string, patterns: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pattern of patterns) {
    const files = GLOB.test(pattern) ? matchGlob(dir, pattern) : [resolve(dir, pattern)]
    let matched = false
    for (const file of files) {
      let bytes: Buffer
      try {
        if (!statSync(file).isFile()) continue
        bytes = readFileSync(file)
      } catch {
        continue
      }
      matched = true
      out[display(dir, file)] = createHash('sha256').update(bytes).digest('hex')
    }
    if (!matched) out[pattern] = '<none>'
  }
  return out
}

function display(dir: string, file: string): string {
  const r = relative(dir, file)
  return r.startsWith('..') || isAbsolute(r) ? file : r.split(sep).join('/')
}

/** files under the pattern's fixed leading folders whose path matches it, sorted */
function matchGlob(dir: string, pattern: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : join(dir, pattern)
  const parts = abs.split('/')
  let fixed = 0
  while (fixed < parts.length && !GLOB.test(parts[fixed]!)) fixed++
  const root = parts.slice(0, fixed).join('/') || '/'
  const re = globToRegExp(parts.slice(fixed).join('/'))
  const found: string[] = []
  const walk = (folder: string, rel: string): void => {
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      return
    }
    for (const name of names.sort()) {
      const path = join(folder, name)
      const r = rel === '' ? name : `${rel}/${name}`
      let isDir = false
      try {
        isDir = statSync(path).isDirectory()
      } catch {
        continue
      }
      if (isDir) walk(path, r)
      else if (re.test(r)) found.push(path)
    }
  }
  walk(root, '')
  return found
}

/** `*` within a name, `**` across folders, `?` one character, `[...]` a class, `{a,b}` either */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++
        if (glob[i + 1] === '/') {
          i++
          re += '(?:.*/)?'
        } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1)
      if (end < 0) re += '\\{'
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((s) => s.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`
        i = end
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
