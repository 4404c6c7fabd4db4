// Task modules, imported once per worker. TypeScript modules load through ts-hooks.ts,
// registered only when the first .ts/.mts module is needed: esbuild's output, cached by
// content under $RAYTS_HOME/cache/ts, so a fresh worker reads a file instead of loading tsx.
import {existsSync} from 'node:fs'
import {register} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {raytsHome} from '../../core/home.js'
import {esbuildLocation} from '../../core/esbuild.js'
import type {TsHooksData} from './ts-hooks.js'

type Fn = (...args: unknown[]) => unknown

const modules = new Map<string, Promise<Record<string, unknown>>>()
const functions = new Map<string, Fn>()
let tsHooks = false

/** where transformed TypeScript modules are kept */
export function tsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(raytsHome(env), 'cache', 'ts')
}

/** the cached function, or undefined when it has not been loaded yet */
export function cachedFunction(key: string): Fn | undefined {
  return functions.get(key)
}

export async function loadFunction(key: string, file: string, name: string): Promise<Fn> {
  const mod = await loadModule(file)
  const value = mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name]
  if (value === undefined) throw new TypeError(`module ${file} has no export '${name}'`)
  if (typeof value !== 'function') throw new TypeError(`export '${name}' of ${file} is not a function (it is ${typeof value})`)
  functions.set(key, value as Fn)
  return value as Fn
}

function loadModule(file: string): Promise<Record<string, unknown>> {
  let mod = modules.get(file)
  if (!mod) {
    if (/\.m?ts$/.test(file)) registerTsHooks()
    const url = pathToFileURL(file).href
    mod = (import(url) as Promise<Record<string, unknown>>).catch((error: unknown) => {
      // a JavaScript module that imports TypeScript by its .js name (`./helper.js` for
      // helper.ts) needs the hooks too: register them and load it again, under a new URL
      // since the failed one stays failed in the module map
      if (tsHooks || !importsTypeScript(error)) throw error
      registerTsHooks()
      return import(`${url}?ts`) as Promise<Record<string, unknown>>
    })
    modules.set(file, mod)
    // a failed import is retried by the next job rather than cached
    mod.catch(() => modules.delete(file))
  }
  return mod
}

/** a module-not-found error for `x.js` / `x.mjs` where `x.ts` / `x.mts` exists */
function importsTypeScript(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException & {url?: string}
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') return false
  const missing = /Cannot find module '([^']+)'/.exec(e.message)?.[1] ?? (e.url ? fileURLToPath(e.url) : '')
  return /\.m?js$/.test(missing) && existsSync(missing.replace(/js$/, 'ts'))
}

function registerTsHooks(): void {
  if (tsHooks) return
  tsHooks = true
  const esbuild = esbuildLocation()
  const data: TsHooksData = {dir: tsCacheDir(), esbuild: esbuild.url, version: esbuild.version}
  // from the sources the hooks file is .ts, loaded by the tsx this worker runs under
  const hooks = new URL(import.meta.url.endsWith('.ts') ? './ts-hooks.ts' : './ts-hooks.js', import.meta.url)
  register(hooks, {data})
  process.setSourceMapsEnabled(true)
}
