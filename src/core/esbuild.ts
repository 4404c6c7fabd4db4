// esbuild, a dependency of rayts (the same copy tsx uses: package.json pins a version in tsx's
// range). One place for that lookup, for whoever parses or transforms modules: the graph
// compiler (exports), the cluster's code pack (imports) and the worker (.ts loading).
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'

export type Esbuild = typeof import('esbuild')

const ours = (): NodeRequire => createRequire(import.meta.url)

let esbuild: Esbuild | undefined

/** esbuild's API, loaded once, synchronously (esbuild's CommonJS entry) */
export function loadEsbuild(): Esbuild {
  esbuild ??= ours()('esbuild') as Esbuild
  return esbuild
}

/** where esbuild's entry is and its version: for a process that imports it itself */
export function esbuildLocation(): {readonly url: string; readonly version: string} {
  const require = ours()
  return {url: pathToFileURL(require.resolve('esbuild')).href, version: (require('esbuild/package.json') as {version: string}).version}
}
