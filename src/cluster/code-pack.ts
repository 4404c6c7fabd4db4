// The code of a run reaches workers like Ray's runtime_env working_dir: one folder, packed
// once per run into Redis (v8-serialized file list, gzipped, keyed by its sha256) and
// unpacked into a cache folder on each worker.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, isAbsolute, join, normalize, sep} from 'node:path'
import {deserialize, serialize} from 'node:v8'
import {gunzipSync, gzipSync} from 'node:zlib'
import {CODE_CAP} from './keys.js'
import {isIgnored, readIgnoreFile, type IgnoreRule} from './ignore.js'

interface PackedFile {
  readonly path: string
  readonly mode: number
  readonly data: Uint8Array
}

export interface CodePack {
  readonly sha: string
  readonly bytes: Buffer
  readonly files: number
  readonly rawBytes: number
}

export class CodePackError extends Error {
  override name = 'CodePackError'
}

export function packFolder(root: string, cap: number = CODE_CAP): CodePack {
  const files: PackedFile[] = []
  let total = 0
  const walk = (dir: string, rel: string, inherited: readonly IgnoreRule[]): void => {
    const rules = [...inherited, ...readIgnoreFile(dir, rel)]
    for (const name of readdirSync(dir).sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`
      const full = join(dir, name)
      const st = lstatSync(full)
      if (st.isSymbolicLink()) continue
      if (isIgnored(rules, childRel, st.isDirectory())) continue
      if (st.isDirectory()) walk(full, childRel, rules)
      else if (st.isFile()) {
        total += st.size
        if (total > cap) {
          throw new CodePackError(
            `the code folder ${root} is over ${Math.round(cap / 1024 / 1024)} MB (node_modules, .git and .gitignore'd files are skipped): ` +
              'move the graph and its modules into a smaller folder, or list big files in .gitignore',
          )
        }
        files.push({path: childRel, mode: st.mode & 0o777, data: readFileSync(full)})
      }
    }
  }
  walk(root, '', [])
  const bytes = gzipSync(serialize(files))
  return {sha: createHash('sha256').update(bytes).digest('hex'), bytes, files: files.length, rawBytes: total}
}

/** the deepest folder holding all of `paths` (absolute) */
export function commonFolder(paths: readonly string[]): string {
  let parts = paths[0]!.split(sep)
  for (const p of paths.slice(1)) {
    const q = p.split(sep)
    let i = 0
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++
    parts = parts.slice(0, i)
  }
  return parts.join(sep) || sep
}

/** unpack into `cacheRoot/sha` once; concurrent unpackers race harmlessly (rename) */
export function unpackInto(cacheRoot: string, sha: string, bytes: Buffer): string {
  const dest = join(cacheRoot, sha)
  if (existsSync(join(dest, '.rayts-complete'))) return dest
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`
  mkdirSync(tmp, {recursive: true})
  const files = deserialize(gunzipSync(bytes)) as PackedFile[]
  for (const f of files) {
    const rel = normalize(f.path)
    if (isAbsolute(rel) || rel.startsWith('..')) throw new CodePackError(`refusing to unpack ${f.path}: outside the folder`)
    const out = join(tmp, rel)
    mkdirSync(dirname(out), {recursive: true})
    writeFileSync(out, f.data, {mode: f.mode})
  }
  writeFileSync(join(tmp, '.rayts-complete'), '')
  try {
    renameSync(tmp, dest)
  } catch {
    rmSync(tmp, {recursive: true, force: true}) // another process won
  }
  return dest
}

export function cachedCode(cacheRoot: string, sha: string): string | null {
  const dest = join(cacheRoot, sha)
  return existsSync(join(dest, '.rayts-complete')) ? dest : null
}
