// .gitignore files as git reads them (the `ignore` package: globs, `!` negation, folder
// patterns), from the top of the repository (the nearest folder above with a .git; else
// the folder walked) down to each file's folder; a deeper file's verdict wins.
// node_modules and .git are always skipped.
import {existsSync, readFileSync} from 'node:fs'
import {basename, dirname, join, relative, sep} from 'node:path'
import ignore, {type Ignore} from 'ignore'

const ALWAYS_SKIPPED: ReadonlySet<string> = new Set(['node_modules', '.git'])

interface Layer {
  /** the folder of the .gitignore */
  readonly base: string
  readonly rules: Ignore
}

/** the top of the git repository holding `dir`, or null */
export function repositoryTop(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d
    if (dirname(d) === d) return null
  }
}

export class GitIgnores {
  private readonly own = new Map<string, Layer | null>()

  /** `from`: the highest folder whose .gitignore counts */
  constructor(private readonly from: string) {}

  /** whether a file (or, with isDir, a folder) is ignored */
  ignored(path: string, isDir: boolean): boolean {
    if (ALWAYS_SKIPPED.has(basename(path))) return true
    let verdict = false
    for (const layer of this.layersOver(dirname(path))) {
      const rel = relative(layer.base, path).split(sep).join('/')
      const r = layer.rules.test(isDir ? `${rel}/` : rel)
      if (r.ignored) verdict = true
      else if (r.unignored) verdict = false
    }
    return verdict
  }

  /** the .gitignore layers from `from` down to dir (dir must be inside `from`) */
  private layersOver(dir: string): Layer[] {
    const dirs: string[] = []
    for (let d = dir; ; d = dirname(d)) {
      dirs.push(d)
      if (d === this.from || dirname(d) === d) break
    }
    if (dirs.at(-1) !== this.from) return [] // outside: no rules of ours
    const layers: Layer[] = []
    for (let i = dirs.length - 1; i >= 0; i--) {
      const layer = this.layerOf(dirs[i]!)
      if (layer) layers.push(layer)
    }
    return layers
  }

  private layerOf(dir: string): Layer | null {
    let layer = this.own.get(dir)
    if (layer === undefined) {
      const file = join(dir, '.gitignore')
      layer = existsSync(file) ? {base: dir, rules: ignore().add(readFileSync(file, 'utf8'))} : null
      this.own.set(dir, layer)
    }
    return layer
  }
}
