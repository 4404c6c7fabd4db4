// Generated graphs for the benchmarks: written as real YAML files, so a bench measures
// what a user's `rayts run` does (compile included where it says so).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export type DagShape = 'wide' | 'deep' | 'fan-in'

export interface BenchDir {
  readonly dir: string
  write(name: string, text: string): string
  remove(): void
}

const NOOP_MODULE = `export function noop(x) { return x ?? 0 }
export function add(a, b) { return a + b }
`

export function benchDir(): BenchDir {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-bench-'))
  writeFileSync(join(dir, 'noop.mjs'), NOOP_MODULE)
  return {
    dir,
    write(name, text) {
      const file = join(dir, name)
      writeFileSync(file, text)
      return file
    },
    remove() {
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

const HEADER = `version: 1\nmodule: ./noop.mjs\ndefaults: {num_cpus: 1, max_retries: 0}\n`

/** n independent no-op fn tasks */
export function wideGraph(n: number): string {
  return `${HEADER}tasks:\n  t: {fn: noop, foreach: {range: ${n}}, args: [!index]}\n`
}

/** n independent `true` commands */
export function commandsGraph(n: number): string {
  return `version: 1\ndefaults: {num_cpus: 1, max_retries: 0}\ntasks:\n  c: {cmd: [true], foreach: {range: ${n}}}\n`
}

/** a chain of n no-op fn tasks, each fed the previous result */
export function deepGraph(n: number): string {
  const lines = [HEADER, 'tasks:\n', '  t0: {fn: noop, args: [0]}\n']
  for (let i = 1; i < n; i++) lines.push(`  t${i}: {fn: noop, args: [!ref t${i - 1}]}\n`)
  return lines.join('')
}

/** n leaves reduced pairwise by `add` in a binary tree (n - 1 inner tasks) */
function fanInGraph(n: number): string {
  const lines = [HEADER, 'tasks:\n', `  l0: {fn: noop, foreach: {range: ${n}}, args: [!index]}\n`]
  let level: string[] = Array.from({length: n}, (_, i) => `l0.${i}`)
  let depth = 0
  while (level.length > 1) {
    depth++
    const next: string[] = []
    for (let i = 0; i + 1 < level.length; i += 2) {
      const id = `r${depth}_${i / 2}`
      lines.push(`  ${id}: {fn: add, args: [!ref ${level[i]}, !ref ${level[i + 1]}]}\n`)
      next.push(id)
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!) // odd: at least one
    level = next
  }
  return lines.join('')
}

export function dagGraph(shape: DagShape, n: number): string {
  switch (shape) {
    case 'wide':
      return wideGraph(n)
    case 'deep':
      return deepGraph(n)
    case 'fan-in':
      return fanInGraph(n)
  }
}
