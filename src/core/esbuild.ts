// esbuild, as rayts finds it: the copy that comes with tsx, which rayts already depends on to
// load .ts modules. One place for that lookup, for whoever parses or transforms modules:
// the graph compiler (exports), the cluster's code pack (imports) and the worker (.ts loading).
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'

export type Esbuild = typeof import('esbuild')

const fromTsx = (): NodeRequire => createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))

let esbuild: Esbuild | undefined

/** esbuild's API, loaded once, synchronously (esbuild's CommonJS entry) */
export function loadEsbuild(): Esbuild {
  esbuild ??= fromTsx()('esbuild') as Esbuild
  return esbuild
}

/** where esbuild's entry is and its version: for a process that imports it itself */
export function esbuildLocation(): {readonly url: string; readonly version: string} {
  const require = fromTsx()
  return {url: pathToFileURL(require.resolve('esbuild')).href, version: (require('esbuild/package.json') as {version: string}).version}
}
