// What a module exports, remembered across runs in $RAYTS_HOME/cache/exports, so that a run
// whose modules have not changed does not start esbuild to parse them: esbuild's buildSync
// starts its service process, measured at 18-31 % of a 1-task run's samples
// (docs/benchmarks.md, "start-up").
//
// An entry is keyed by a SHA-256 of the file's bytes alone (and, for a .js file, of the
// package.json that decides whether it is ESM or CommonJS), not by its path: a module copied
// to a new folder (a benchmark's fresh folder, a new checkout) hits the entry its content
// made. Only answers that depend on nothing else are kept: not errors (reported from a fresh
// parse each time), not TypeScript (a tsconfig.json can change the parse), not a module
// with `export * from` (the answer depends on other files).
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, extname, join} from 'node:path'
import type {ModuleExports} from './module-exports.js'

/** bumped when what a parse answers changes */
const FORMAT = 2
const CACHED_EXTENSIONS = new Set(['.js', '.mjs', '.cjs'])

interface Entry {
  readonly kind: 'names' | 'open'
  readonly names: readonly string[]
}

export interface ExportsCache {
  /** the key of `absPath` as it is now, or null when it is not kept (TypeScript, unreadable) */
  keyOf(absPath: string): string | null
  get(key: string): ModuleExports | undefined
  set(key: string, exports: ModuleExports): void
}

export function exportsCache(dir: string): ExportsCache {
  return {
    keyOf(absPath) {
      const ext = extname(absPath)
      if (!CACHED_EXTENSIONS.has(ext)) return null
      const hash = createHash('sha256').update(`${FORMAT}\0${ext}\0`)
      try {
        hash.update(readFileSync(absPath))
        if (ext === '.js') {
          const pkg = nearestPackageJson(dirname(absPath))
          hash.update(pkg === undefined ? '\0none\0' : '\0package.json\0')
          if (pkg !== undefined) hash.update(readFileSync(pkg))
        }
      } catch {
        return null
      }
      return hash.digest('hex')
    },
    get(key) {
      try {
        const e = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as Entry
        if ((e.kind !== 'names' && e.kind !== 'open') || !Array.isArray(e.names)) return undefined
        return {kind: e.kind, names: new Set(e.names)}
      } catch {
        return undefined
      }
    },
    set(key, exports) {
      if (exports.kind === 'error') return
      const entry: Entry = {kind: exports.kind, names: [...exports.names]}
      try {
        mkdirSync(dir, {recursive: true, mode: 0o700})
        const tmp = join(dir, `.${key}.${process.pid}.tmp`)
        writeFileSync(tmp, JSON.stringify(entry), {mode: 0o600})
        renameSync(tmp, join(dir, `${key}.json`))
      } catch {
        // a cache that cannot be written costs a parse next time, nothing more
      }
    },
  }
}

function nearestPackageJson(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, 'package.json')
    if (existsSync(p)) return p
    if (dirname(d) === d) return undefined
  }
}
