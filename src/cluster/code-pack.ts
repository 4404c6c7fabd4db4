// The code of a run reaches workers like Ray's runtime_env working_dir: the files chosen
// (code-files.ts) under one root folder, packed once per run into Redis (v8-serialized
// list, gzipped, keyed by its sha256) and unpacked into a cache folder on each worker.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, isAbsolute, join, normalize, sep} from 'node:path'
import {deserialize, serialize} from 'node:v8'
import {gunzipSync, gzipSync} from 'node:zlib'
import {CODE_CAP} from './keys.js'
import {RaytsError} from '../core/errors.js'

/** a file, or (without data) a folder to create */
interface PackedFile {
  readonly path: string
  readonly mode: number
  readonly data?: Uint8Array
}

export interface CodePack {
  readonly sha: string
  readonly bytes: Buffer
  readonly files: number
  readonly rawBytes: number
}

export class CodePackError extends RaytsError {
  override name = 'CodePackError'
  override readonly code = 'RAYTS_ERR_CODE_PACK'
}

/** `files` and `dirs`: '/'-separated paths under root */
export function packFiles(root: string, files: readonly string[], dirs: readonly string[] = [], cap: number = CODE_CAP): CodePack {
  const entries: PackedFile[] = dirs.map((path) => ({path, mode: 0o755}))
  let total = 0
  for (const path of files) {
    const full = join(root, path)
    const st = statSync(full)
    total += st.size
    if (total > cap) {
      throw new CodePackError(
        `the run's code for the workers is over ${Math.round(cap / 1024 / 1024)} MB (at ${path}): ` +
          "the fn modules and what they import, and the graph's include globs, less .gitignore'd files; narrow include",
      )
    }
    entries.push({path, mode: st.mode & 0o777, data: readFileSync(full)})
  }
  const bytes = gzipSync(serialize(entries))
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
    if (f.data === undefined) {
      mkdirSync(out, {recursive: true})
      continue
    }
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
