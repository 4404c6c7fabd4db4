// Task modules, imported once per worker. TypeScript modules load through tsx, whose loader
// is registered only when the first .ts/.mts module is needed (it costs ~100 ms).
import {pathToFileURL} from 'node:url'

type Fn = (...args: unknown[]) => unknown

const modules = new Map<string, Promise<Record<string, unknown>>>()
const functions = new Map<string, Fn>()
let tsxReady: Promise<void> | null = null

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
    mod = (async () => {
      if (/\.[cm]?tsx?$/.test(file)) await registerTsx()
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>
    })()
    modules.set(file, mod)
    // a failed import is retried by the next job rather than cached
    mod.catch(() => modules.delete(file))
  }
  return mod
}

function registerTsx(): Promise<void> {
  // A worker started from the sources already runs under `--import tsx`.
  if (import.meta.url.endsWith('.ts')) return Promise.resolve()
  tsxReady ??= import('tsx/esm/api').then(({register}) => {
    register()
  })
  return tsxReady
}
