// The user's path, measured from outside: `rayts ARGS` as a process, from spawn to exit,
// with its own store in a temporary RAYTS_HOME. From the sources (tsx, bin/dev.js) when the
// bench itself runs from them, else the built CLI (bin/run.js), as a user runs it.
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {median} from './stats.js'

const fromSource = import.meta.url.endsWith('.ts')
const ROOT = fileURLToPath(new URL(fromSource ? '../../' : '../../../', import.meta.url))
const BIN = fileURLToPath(new URL(fromSource ? '../../bin/dev.js' : '../../../bin/run.js', import.meta.url))
const EXEC_ARGV: readonly string[] = fromSource ? ['--import', import.meta.resolve('tsx')] : []

export interface ProcessRun {
  readonly wallMs: number
  /** the process's peak RSS in bytes, when asked for (timeRayts' `rssFile`) */
  readonly maxRssBytes?: number
  readonly code: number | null
  /** the last few KB of stderr, for a failure's message */
  readonly stderrTail: string
}

/**
 * Throws unless the built CLI has its oclif manifest. bin/dev.js removes it (a stale one
 * hides new commands), and without it every command file is loaded to list commands:
 * `rayts --help` measured 1.1-1.5x slower (same sitting, load ~15), so a bench after a
 * development run would report a start-up users do not have.
 */
export function checkBuiltCli(): void {
  if (fromSource) return
  if (!existsSync(join(ROOT, 'oclif.manifest.json'))) {
    throw new Error(`${join(ROOT, 'oclif.manifest.json')} is missing (bin/dev.js removes it): run \`npm run build\` before measuring the built CLI`)
  }
}

/** `node ARGS`, stdout and stderr drained through pipes (not a terminal: plain output) */
export function timeNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env})
    let tail = ''
    child.stdout.resume()
    child.stderr.setEncoding('utf8').on('data', (s: string) => (tail = (tail + s).slice(-4000)))
    child.on('error', reject)
    child.on('close', (code) => resolve({wallMs: performance.now() - t0, code, stderrTail: tail}))
  })
}

// preloaded to learn a run's peak RSS: written to $RAYTS_BENCH_RSS_FILE as the process exits
const RSS_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import {writeFileSync} from 'node:fs'; const f = process.env.RAYTS_BENCH_RSS_FILE; if (f) process.on('exit', () => writeFileSync(f, String(process.resourceUsage().maxRSS * 1024)))",
)}`

/** `rayts ARGS` as a process with its store in `home`; with `rssFile`, its peak RSS too */
async function timeRayts(args: readonly string[], home: string, rssFile?: string): Promise<ProcessRun> {
  const env = {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'}
  if (rssFile === undefined) return timeNode([...EXEC_ARGV, BIN, ...args], env)
  rmSync(rssFile, {force: true})
  const r = await timeNode([...EXEC_ARGV, '--import', RSS_PRELOAD, BIN, ...args], {...env, RAYTS_BENCH_RSS_FILE: rssFile})
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN
  return {...r, maxRssBytes: rss}
}

/** the same, throwing unless it exits 0 */
export async function timeRaytsOk(args: readonly string[], home: string): Promise<number> {
  return (await timeRaytsRun(args, home)).wallMs
}

/** the same, throwing unless it exits 0, with the run's peak RSS when `rssFile` is given */
export async function timeRaytsRun(args: readonly string[], home: string, rssFile?: string): Promise<ProcessRun> {
  const r = await timeRayts(args, home, rssFile)
  if (r.code !== 0) throw new Error(`rayts ${args.join(' ')} exited ${r.code}: ${r.stderrTail.trim()}`)
  return r
}

/** median wall time of `times` runs */
export async function medianWall(times: number, run: () => Promise<number>): Promise<number> {
  const walls: number[] = []
  for (let i = 0; i < times; i++) walls.push(await run())
  return median(walls)
}
