// Bundles the dashboard page (page/app.ts and its modules, page/style.css) with esbuild.
// `node src/dashboard/page/build.mjs` (part of `npm run build`) writes dist/dashboard/app.js
// and app.css; assets.ts calls bundlePage() itself when running from the TypeScript sources.
import {readFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))

export async function bundlePage() {
  const {build} = await import('esbuild')
  const result = await build({
    entryPoints: [here('./app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'warning',
  })
  return {js: result.outputFiles[0].text, css: readFileSync(here('./style.css'), 'utf8')}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const {js, css} = await bundlePage()
  const out = here('../../../dist/dashboard/')
  mkdirSync(out, {recursive: true})
  writeFileSync(`${out}app.js`, js)
  writeFileSync(`${out}app.css`, css)
  console.log(`bundled the dashboard page into dist/dashboard/ (${js.length} + ${css.length} bytes)`)
}
