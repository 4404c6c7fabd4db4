// The files a run's fn modules need, found by following their imports with esbuild (parsed,
// never run): static imports, `export ... from`, require() and import() of string literals,
// relative specifiers only (`./x.js` finds `./x.ts` as tsx does). Packages (bare specifiers)
// are not followed: as before, they must be installed on the workers. An import of a
// variable cannot be followed: such files go in the graph's `include`.
import {isAbsolute, join, sep} from 'node:path'
import type {Plugin} from 'esbuild'
import {loadEsbuild} from '../core/esbuild.js'
import {RaytsError} from '../core/errors.js'


export interface ImportClosure {
  /** absolute paths: the modules and every file they import, transitively */
  readonly files: readonly string[]
  /** relative imports that name no file (left out; the module fails there if it runs that import) */
  readonly missing: readonly {readonly specifier: string; readonly importer: string}[]
  /** imports of packages (bare specifiers, or files under node_modules), not followed */
  readonly packages: readonly {readonly specifier: string; readonly importer: string}[]
}

const RELATIVE = /^\.\.?(\/|$)/
const CODE = /\.(m|c)?(j|t)sx?$|\.json$/
const IN_PACKAGES = `${sep}node_modules${sep}`

export class ImportError extends RaytsError {
  override name = 'ImportError'
  override readonly code = 'RAYTS_ERR_IMPORT'
}

export async function importClosure(modules: readonly string[]): Promise<ImportClosure> {
  if (modules.length === 0) return {files: [], missing: [], packages: []}
  const missing: {specifier: string; importer: string}[] = []
  const packages: {specifier: string; importer: string}[] = []
  const follow: Plugin = {
    name: 'rayts-relative-only',
    setup(build) {
      build.onResolve({filter: /.*/}, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'inner') return undefined
        if (!RELATIVE.test(args.path)) {
          packages.push({specifier: args.path, importer: args.importer})
          return {path: args.path, external: true}
        }
        const found = await build.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner'})
        if (found.errors.length > 0) {
          missing.push({specifier: args.path, importer: args.importer})
          return {path: args.path, external: true}
        }
        if (found.path.includes(IN_PACKAGES)) {
          packages.push({specifier: found.path, importer: args.importer})
          return {path: args.path, external: true}
        }
        return found
      })
      // data files a module imports travel too; their contents do not matter here
      build.onLoad({filter: /.*/}, (args) => (CODE.test(args.path) ? undefined : {contents: '', loader: 'empty'}))
    },
  }
  let result
  try {
    result = await loadEsbuild().build({
      entryPoints: [...modules],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      outdir: '/rayts-imports-not-written',
      absWorkingDir: '/',
      plugins: [follow],
    })
  } catch (error) {
    const first = (error as {errors?: {text: string; location?: {file: string; line: number; column: number} | null}[]}).errors?.[0]
    const where = first?.location ? `${join('/', first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : ''
    throw new ImportError(`cannot follow the imports of the fn modules: ${where}${first?.text ?? (error as Error).message}`)
  }
  const files = Object.keys(result.metafile.inputs).map((p) => (isAbsolute(p) ? p : join('/', p)))
  return {files: [...new Set(files)].sort(), missing, packages}
}
