// Running dag-child.ts in a fresh `node`: from the sources under tsx (bin/dev.js, tests),
// from dist as plain JS (bin/run.js) — the same rule the worker pool follows.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import type {DagChildResult} from './dag-child.js'

const fromSource = import.meta.url.endsWith('.ts')
const CHILD_ENTRY = fileURLToPath(new URL(fromSource ? './dag-child.ts' : './dag-child.js', import.meta.url))
const CHILD_EXEC_ARGV: readonly string[] = fromSource ? ['--import', import.meta.resolve('tsx')] : []

export interface ChildOptions {
  readonly numCpus: number
  /** write a V8 CPU profile of the rayts process into this folder */
  readonly cpuProfDir?: string
}

export function runDagChild(file: string, o: ChildOptions): Promise<DagChildResult> {
  const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []
  const child = spawn(process.execPath, [...CHILD_EXEC_ARGV, ...prof, CHILD_ENTRY, file, String(o.numCpus)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, FORCE_COLOR: '0'},
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-4000)))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as DagChildResult)
      else reject(new Error(`bench child for ${file} ended with ${signal ?? `code ${code}`}: ${err.trim() || out.trim()}`))
    })
  })
}
