// Module hooks (node:module register) that load a task's .ts/.mts files as JavaScript
// transformed by esbuild, cached by content in $RAYTS_HOME/cache/ts. A fresh worker then
// reads one cached file instead of loading tsx (which took ~0.8 s a worker). The file keeps
// its own URL, so its relative imports and import.meta.url are as written.
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import type {InitializeHook, LoadHook, ResolveHook} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export interface TsHooksData {
  /** the cache folder */
  readonly dir: string
  /** file URL of the esbuild package's entry */
  readonly esbuild: string
  /** esbuild's version: part of every cache key */
  readonly version: string
}

let data: TsHooksData | undefined

export const initialize: InitializeHook<TsHooksData> = (d) => {
  data = d
}

const TS = /\.m?ts$/

/** the cache file of one source: its content and the transform's settings name it */
export function cacheKey(source: Buffer | string, version: string): string {
  return createHash('sha256').update(`esbuild ${version} ts→esm v1\0`).update(source).digest('hex')
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (data === undefined || !url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const source = readFileSync(file)
  const cached = join(data.dir, `${cacheKey(source, data.version)}.mjs`)
  let js: string
  try {
    js = readFileSync(cached, 'utf8')
  } catch {
    js = await transform(source.toString('utf8'), file)
    store(cached, js)
  }
  return {format: 'module', source: js, shortCircuit: true}
}

async function transform(source: string, file: string): Promise<string> {
  const esbuild = (await import(data!.esbuild)) as typeof import('esbuild')
  // an inline source map: with source maps on, stacks show the .ts lines
  const out = await esbuild.transform(source, {loader: 'ts', format: 'esm', target: 'node20', sourcefile: file, sourcemap: 'inline'})
  return out.code
}

/** Write through a temporary name: another worker may be reading or writing the same entry. */
function store(cached: string, js: string): void {
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    mkdirSync(data!.dir, {recursive: true, mode: 0o700})
    writeFileSync(tmp, js)
    renameSync(tmp, cached)
  } catch {
    // a cache that cannot be written costs a transform next time, nothing more
    rmSync(tmp, {force: true})
  }
}

/** TypeScript's way of naming modules: `./x.js` for ./x.ts, and `./x` without extension. */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    // `./helper.js` names helper.ts when no helper.js exists, from TypeScript and JavaScript
    // modules alike (as tsx and TypeScript's NodeNext resolution have it)
    if (context.parentURL === undefined || !/^\.\.?\//.test(specifier) || (error as {code?: string}).code !== 'ERR_MODULE_NOT_FOUND') throw error
    for (const alt of [specifier.replace(/\.(m?)js$/, '.$1ts'), `${specifier}.ts`, `${specifier}.mts`]) {
      if (alt === specifier) continue
      try {
        return await nextResolve(alt, context)
      } catch {
        // try the next spelling
      }
    }
    throw error
  }
}
