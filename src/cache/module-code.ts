// The code of a task module as loaded, for the cache key: the bytes of the module and of
// every local file it imports (esbuild follows the imports without running them), the name
// and version of each package it imports, and Node's major version. Hashed once per module
// per run (a ModuleCode instance is one run's memo).
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {isBuiltin} from 'node:module'
import {dirname, join, sep} from 'node:path'
import {importClosure} from '../cluster/imports.js'

export interface ModuleDigest {
  /** sha256 hex over everything below */
  readonly digest: string
  /** absolute path → sha256 hex of its bytes */
  readonly files: Readonly<Record<string, string>>
  /** package name → version (`?` when its package.json was not found) */
  readonly packages: Readonly<Record<string, string>>
  readonly node: string
}

export class ModuleCode {
  private readonly memo = new Map<string, Promise<ModuleDigest>>()

  of(module: string): Promise<ModuleDigest> {
    let p = this.memo.get(module)
    if (!p) this.memo.set(module, (p = digestModule(module)))
    return p
  }
}

async function digestModule(module: string): Promise<ModuleDigest> {
  const closure = await importClosure([module])
  const files: Record<string, string> = {}
  for (const f of [module, ...closure.files]) {
    if (files[f] !== undefined) continue
    files[f] = createHash('sha256').update(readFileSync(f)).digest('hex')
  }
  const packages: Record<string, string> = {}
  for (const {specifier, importer} of closure.packages) {
    const name = packageName(specifier)
    if (name === null || packages[name] !== undefined) continue
    packages[name] = packageVersion(name, specifier, importer)
  }
  const node = process.versions.node.split('.')[0]!
  const h = createHash('sha256').update(`node ${node}\n`)
  for (const f of Object.keys(files).sort()) h.update(`file ${f} ${files[f]}\n`)
  for (const p of Object.keys(packages).sort()) h.update(`package ${p} ${packages[p]}\n`)
  return {digest: h.digest('hex'), files, packages, node}
}

/** `lodash/fp` → lodash, `@a/b/c` → @a/b; an absolute path inside node_modules → its package; builtins → null */
function packageName(specifier: string): string | null {
  if (specifier.startsWith('/')) {
    const at = specifier.lastIndexOf(`${sep}node_modules${sep}`)
    if (at < 0) return null
    specifier = specifier.slice(at + 14)
  }
  if (isBuiltin(specifier)) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

function packageVersion(name: string, specifier: string, importer: string): string {
  let dir = specifier.startsWith('/') ? dirname(specifier) : dirname(importer.startsWith('/') ? importer : join('/', importer))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {version?: string}
      return pkg.version ?? '?'
    } catch {
      // not in this folder's node_modules
    }
    const up = dirname(dir)
    if (up === dir) return '?'
    dir = up
  }
}
