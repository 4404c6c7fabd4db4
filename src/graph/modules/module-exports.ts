// What a task module exports, found by parsing it (JavaScript or TypeScript) with esbuild,
// never by running it: the compiler must not execute a module's top level.
import {existsSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import type {BuildFailure, BuildResult, Message} from 'esbuild'
import {loadEsbuild} from '../../core/esbuild.js'
import {raytsHome} from '../../core/home.js'
import {exportsCache, type ExportsCache} from './exports-cache.js'

/** 1-based place of a problem inside the module file */
export interface ModuleError {
  readonly kind: 'error'
  readonly line: number
  readonly col: number
  readonly message: string
}

export type ModuleExports =
  /** exactly these names */
  | {readonly kind: 'names'; readonly names: ReadonlySet<string>}
  /** names that cannot be known without running it (CommonJS, `export *` from a package) */
  | {readonly kind: 'open'; readonly names: ReadonlySet<string>}
  | ModuleError


let cache: ExportsCache | undefined

/**
 * What the module file exports: from the cache in $RAYTS_HOME when it holds this content
 * (exports-cache.ts), else parsed (and kept there when the answer depends on this file only).
 */
export function readExports(absPath: string): ModuleExports {
  cache ??= exportsCache(join(raytsHome(), 'cache', 'exports'))
  const key = cache.keyOf(absPath)
  const hit = key === null ? undefined : cache.get(key)
  if (hit !== undefined) return hit
  const star = {found: false}
  const parsed = parseExports(absPath, new Set(), star)
  if (key !== null && !star.found) cache.set(key, parsed)
  return parsed
}

/**
 * Parse one module file; `export *` from relative files is followed (cycles stop).
 * `star.found` is set when the module has an `export * from`.
 */
export function parseExports(absPath: string, seen: Set<string> = new Set(), star = {found: false}): ModuleExports {
  seen.add(absPath)
  let result: BuildResult<{metafile: true; write: false}>
  try {
    result = loadEsbuild().buildSync({
      entryPoints: [absPath],
      bundle: false,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      outdir: dirname(absPath),
    })
  } catch (error) {
    return failure(error)
  }
  const input = Object.values(result.metafile.inputs)[0]
  const output = Object.values(result.metafile.outputs)[0]
  const names = new Set(output?.exports ?? [])
  if (input?.format === 'cjs') return {kind: 'open', names}
  const text = result.outputFiles[0]?.text ?? ''
  // a default export that is an object may carry the function as a property (load-module looks there too)
  let open = names.has('default') && !defaultIsDeclared(text)
  // esbuild prints one statement per line without comments: star re-exports are exact lines
  for (const m of text.matchAll(/^export \* from (".*");$/gm)) {
    star.found = true
    const from = starTarget(absPath, JSON.parse(m[1]!) as string)
    if (from === undefined) {
      open = true
      continue
    }
    if (seen.has(from)) continue
    const inner = parseExports(from, seen)
    if (inner.kind === 'error') open = true
    else {
      if (inner.kind === 'open') open = true
      for (const n of inner.names) if (n !== 'default') names.add(n)
    }
  }
  return {kind: open ? 'open' : 'names', names}
}

/** Whether esbuild's output exports as default a function or class it declares (not an object). */
function defaultIsDeclared(text: string): boolean {
  const local = [...text.matchAll(/\b([\w$]+) as default\b/g)].at(-1)?.[1] // the export list ends the output
  if (local === undefined) return /^export default (async )?(function|class)\b/m.test(text)
  const name = local.replace(/\$/g, '\\$')
  return new RegExp(`^(async )?function\\*? ?${name}\\(|^class ${name}\\b`, 'm').test(text)
}

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']

/** The file a relative `export * from` names, or undefined (a package, or not found). */
function starTarget(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined
  const base = resolve(dirname(from), specifier)
  // TypeScript writes ./x.js for ./x.ts
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), base.replace(/\.(c|m)?js$/, '.$1ts')]
  return candidates.find((c) => existsSync(c) && statSync(c).isFile())
}

function failure(error: unknown): ModuleError {
  const first: Message | undefined = (error as Partial<BuildFailure>).errors?.[0]
  if (first === undefined) return {kind: 'error', line: 0, col: 0, message: `cannot be parsed: ${error instanceof Error ? error.message : String(error)}`}
  const loc = first.location
  if (loc === null) return {kind: 'error', line: 0, col: 0, message: first.text}
  // esbuild counts columns in UTF-8 bytes
  const col = Buffer.from(loc.lineText, 'utf8').subarray(0, loc.column).toString('utf8').length + 1
  return {kind: 'error', line: loc.line, col, message: `syntax error: ${first.text}`}
}
