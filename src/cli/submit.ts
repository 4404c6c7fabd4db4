// `rayts submit`: record the run as submitted, start `rayts run --run-id ID` in a detached
// session of its own (it survives the terminal), and hand back the id at once.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {hostname} from 'node:os'
import {resolve} from 'node:path'
import {compileGraphFile, formatProblem} from '../graph/index.js'
import {UsageError} from '../core/usage-error.js'
import type {Store} from '../store/db.js'
import {newRunId} from '../store/ids.js'
import {processStartTime} from '../store/upkeep/processes.js'
import {reconcileRuns} from '../store/upkeep/reconcile.js'
import {getRun, resolveRunId} from '../store/query/runs.js'
import {GraphError} from './errors.js'

export interface SubmitRequest {
  /** required unless `resume` */
  readonly graphFile?: string
  readonly set: readonly string[]
  readonly numCpus?: string
  readonly resources?: string
  readonly failFast: boolean
  readonly timeline?: string
  /** a run id or `last` to continue */
  readonly resume?: string
  /** --no-cache for the run */
  readonly noCache?: boolean
}

/** How to start this CLI again: the node binary and the arguments before the command. */
export interface Launcher {
  readonly command: string
  readonly args: readonly string[]
}

/**
 * The CLI as it was started: `node [--import tsx] bin/dev.js` in development,
 * `node bin/run.js` installed; when this process is not the CLI (a test calling in),
 * `root/bin/run.js` when built, else `root/bin/dev.js` through tsx.
 */
export function cliLauncher(root: string): Launcher {
  const script = process.argv[1] ? resolve(process.argv[1]) : ''
  if (script.startsWith(resolve(root, 'bin') + '/')) {
    return {command: process.execPath, args: [...process.execArgv, script]}
  }
  if (existsSync(resolve(root, 'dist/commands'))) return {command: process.execPath, args: [resolve(root, 'bin/run.js')]}
  return {command: process.execPath, args: ['--import', 'tsx', resolve(root, 'bin/dev.js')]}
}

/** Problems of the graph as `FILE:LINE:COL: message` lines; empty when it compiles. */
function graphProblems(graphFile: string, set: readonly string[]): string[] {
  const compiled = compileGraphFile(graphFile, {set: [...set]})
  return compiled.ok ? [] : compiled.problems.map((p) => formatProblem(p))
}

export interface Submitted {
  readonly runId: string
  readonly pid: number
}

export function submitRun(store: Store, req: SubmitRequest, launcher: Launcher): Submitted {
  const flags: string[] = []
  for (const s of req.set) flags.push('--set', s)
  if (req.numCpus !== undefined) flags.push('--num-cpus', req.numCpus)
  if (req.resources !== undefined) flags.push('--resources', req.resources)
  if (req.failFast) flags.push('--fail-fast')
  if (req.noCache) flags.push('--no-cache')
  if (req.timeline !== undefined) flags.push('--timeline', resolve(req.timeline))

  let runId: string
  let args: string[]
  if (req.resume !== undefined) {
    runId = resolveRunId(store, req.resume)
    reconcileRuns(store, runId)
    const run = getRun(store, runId)!
    if (run.state === 'running' || run.state === 'submitted') throw new UsageError(`run ${runId} is still ${run.state}`)
    if (run.state === 'succeeded') throw new UsageError(`run ${runId} succeeded: there is nothing to resume`)
    const file = req.graphFile ?? run.meta?.graphFile
    if (!file) throw new UsageError(`run ${runId} has no stored graph file to resume from`)
    const problems = graphProblems(file, req.set.length > 0 ? req.set : (run.meta?.set ?? []))
    if (problems.length > 0) throw new GraphError(problems)
    args = ['run', ...(req.graphFile ? [resolve(req.graphFile)] : []), '--resume', runId, '--quiet', ...flags]
  } else {
    if (!req.graphFile) throw new UsageError('a GRAPH file is required (or --resume RUN)')
    const problems = graphProblems(req.graphFile, req.set)
    if (problems.length > 0) throw new GraphError(problems)
    runId = newRunId()
    store.db
      .prepare("INSERT INTO runs (id, file, state, host, session, created_ms, meta) VALUES (?, ?, 'submitted', ?, 0, ?, ?)")
      .run(runId, resolve(req.graphFile), hostname(), Date.now(), JSON.stringify({graphFile: resolve(req.graphFile), set: req.set}))
    args = ['run', resolve(req.graphFile), '--run-id', runId, '--quiet', ...flags]
  }

  const child = spawn(launcher.command, [...launcher.args, ...args], {
    detached: true,
    stdio: 'ignore',
    cwd: process.cwd(),
    env: process.env,
  })
  child.on('error', () => {
    // reported through the store: the run is found lost (no process)
  })
  const pid = child.pid
  child.unref()
  if (pid === undefined) {
    store.db.prepare("UPDATE runs SET state = 'lost', ended_ms = ? WHERE id = ? AND state = 'submitted'").run(Date.now(), runId)
    throw new Error(`could not start ${launcher.command}`)
  }
  const claimed = store.db
    .prepare("UPDATE runs SET state = 'submitted', pid = ?, pid_start = ?, host = ?, ended_ms = NULL WHERE id = ?")
    .run(pid, processStartTime(pid), hostname(), runId)
  if (claimed.changes === 0) {
    // `rayts rm` removed the run meanwhile: its process finds no run and ends
    throw new UsageError(`run ${runId} was removed meanwhile (rayts rm): not resumed`)
  }
  return {runId, pid}
}
