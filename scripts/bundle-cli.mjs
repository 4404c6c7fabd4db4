// Bundles the CLI with esbuild after `tsc` (npm run build): the commands, the oclif hooks
// and the entry (src/cli/main.ts), with @oclif/core, Ink and React, into a few files.
// Start-up then reads a few files instead of hundreds: `rayts --version` read 222 files
// (66 of @oclif/core, 48 of semver), and 60 % of its CPU profile was module loading.
// Measured in one sitting (medians of 7, 2-core machine at load ~15, `node -e 0` 476 ms),
// tsc output → this bundle: --help 1378 → 1003 ms, --version 1178 → 858 ms (now answered
// in bin/run.js), a 1-task run 3715 → 2655 ms (with the generated validator and the early
// pool). Ink's chunk: `import()` of it ~0.9 s over `node -e 0` at load 14, the tsc files
// ~3.5 s.
//
// Each bundled entry replaces tsc's file at the same path in dist/ (dist/commands/run.js,
// dist/src/cli/main.js, ...), so bin/run.js, the oclif section of package.json and
// bin/dev.js are unchanged; shared code goes to dist/chunks/. Everything else in dist/
// stays tsc's output: the library (dist/src/index.js), the bench children; the worker
// entry the pool forks (dist/src/executor/worker/main.js) is bundled alone, below. Code
// that finds files relative to itself (`new URL('../worker.js', import.meta.url)`) gets
// the URL of its tsc twin in dist/, so those paths still hold.
import {build} from 'esbuild'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
/** replaced, in each written file, by the relative path from that file to dist/ */
const DIST = '@@RAYTS_DIST@@'

const files = (dir) =>
  readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
const entry = (file) => relative(root, file).replace(/\.tsx?$/, '')
const sources = [
  ...files(join(root, 'commands')).filter((f) => /\.tsx?$/.test(f)),
  join(root, 'src/cli/main.ts'),
  ...files(join(root, 'src/cli/hooks')).filter((f) => /\.tsx?$/.test(f)),
]

/** `import.meta.url` of a bundled source file: the URL of its tsc output in dist/ */
const ownUrl = {
  name: 'own-url',
  setup(b) {
    b.onLoad({filter: /\.tsx?$/}, (args) => {
      if (args.path.includes('/node_modules/')) return undefined
      const text = readFileSync(args.path, 'utf8')
      const twin = JSON.stringify(`${DIST}/${relative(root, args.path).replace(/\.tsx?$/, '.js')}`)
      return {contents: text.replaceAll('import.meta.url', `new URL(${twin}, import.meta.url).href`), loader: args.path.endsWith('x') ? 'tsx' : 'ts'}
    })
  },
}

/**
 * React, its reconciler and Ink in their production builds only (half the size of both);
 * ui/index.ts asked for the production build at run time already.
 */
const productionReact = {
  name: 'production-react',
  setup(b) {
    b.onLoad({filter: /\/node_modules\/(react|react-reconciler|scheduler|ink)\/.*\.js$/}, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('process.env.NODE_ENV', '"production"'),
      loader: 'js',
    }))
  },
}

/** what both builds share: one format, the same externals and plugins */
const common = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  // whitespace and syntax only: names stay (stack traces, class names). Not keepNames: it
  // wraps every function made at run time in a __name() call (a defineProperty), closures
  // on the per-task path included: 125 ms of the samples of a 100k no-op `rayts run` (of
  // ~2,900). Without it only names esbuild renames to keep apart (a dependency's `visit2`)
  // read differently; none of rayts' classes is renamed.
  minifyWhitespace: true,
  minifySyntax: true,
  // native, loaded by path at run time, optional, or only for --cluster (large)
  external: ['better-sqlite3', 'tsx', 'typescript', 'esbuild', 'ajv', 'react-devtools-core', 'bullmq', 'ioredis'],
  // CommonJS inside the bundle calls require() for Node's built-ins
  banner: {js: "import {createRequire as __raytsCreateRequire} from 'node:module';const require=__raytsCreateRequire(import.meta.url);"},
  plugins: [ownUrl, productionReact],
  write: false,
  logLevel: 'warning',
}

const cli = await build({
  ...common,
  entryPoints: Object.fromEntries(sources.map((f) => [entry(f), f])),
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
})

// The worker entry the pool forks, as one file of its own (no chunk shared with the CLI): a
// worker read 41 files (110 KB) before it could say it was ready. Measured in one sitting
// (fork to `ready`, 6 forks each, load ~1): tsc's files 88-127 ms, this file 72-95 ms, a
// bare `process.send` 66-99 ms. The worker is on a 1-task run's critical path.
const WORKER = 'src/executor/worker/main.ts'
const worker = await build({...common, entryPoints: {[entry(join(root, WORKER))]: join(root, WORKER)}})

for (const out of [...cli.outputFiles, ...worker.outputFiles]) {
  const up = relative(dirname(out.path), dist) || '.'
  mkdirSync(dirname(out.path), {recursive: true})
  writeFileSync(out.path, out.text.replaceAll(DIST, up))
}
console.log(`bundled ${sources.length} entries into ${cli.outputFiles.length} files, and the worker into one, under ${relative(root, resolve(dist))}/`)
