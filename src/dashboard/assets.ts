// The page's script and style. Built: `npm run build` bundles src/dashboard/page/ with
// esbuild into dist/dashboard/ (src/dashboard/page/build.mjs), and they are read from there.
// From the TypeScript sources (bin/dev.js, tests) the same bundle is made in memory on first
// use. Nothing is fetched from anywhere at run time.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export interface Assets {
  readonly js: string
  readonly css: string
}

let cached: Assets | null = null

const fromSources = import.meta.url.endsWith('.ts')

export async function loadAssets(): Promise<Assets> {
  if (cached) return cached
  if (fromSources) {
    const {bundlePage} = (await import(new URL('./page/build.mjs', import.meta.url).href)) as {bundlePage: () => Promise<Assets>}
    cached = await bundlePage()
  } else {
    const dir = new URL('../../dashboard/', import.meta.url)
    cached = {js: readFileSync(fileURLToPath(new URL('app.js', dir)), 'utf8'), css: readFileSync(fileURLToPath(new URL('app.css', dir)), 'utf8')}
  }
  return cached
}

export const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1e88e5"/><path d="M4 11h2V7H4zm3 0h2V4H7zm3 0h2V8h-2z" fill="#fff"/></svg>'
