// What the run commands share: opening the store (and reconciling lost runs first),
// turning store errors into exit codes, and the wait-until-resolvable step.
import {existsSync, statSync} from 'node:fs'
import {UsageError} from '../runtime/flags.js'
import type {Store} from './db.js'
import {openStore} from './db.js'
import {reconcileRuns} from './reconcile.js'
import {parseRef, type ResolvedRef} from './refs.js'
import {getRun, resolveRunId} from './runs.js'
import {GraphError} from './submit.js'
import {changeKey, sleep, tryResolve} from './wait.js'

/** Open the store, mark lost runs (and kill their leftovers), resolve RUN. */
export function openForRun(runRef: string): {store: Store; runId: string} {
  const store = openStore()
  try {
    reconcileRuns(store)
    return {store, runId: resolveRunId(store, runRef)}
  } catch (error) {
    store.close()
    throw error
  }
}

/** openForRun for a command: a user error is reported and the command exits. */
export function openForCommand(cmd: {exit(code?: number): never}, runRef: string): {store: Store; runId: string} {
  try {
    return openForRun(runRef)
  } catch (error) {
    return handleError(cmd, error)
  }
}

/** The exit code and message for an error a command should report without a stack. */
export function userError(error: unknown): {message: string; exit: number} | null {
  if (error instanceof UsageError) return {message: error.message, exit: 2}
  if (error instanceof GraphError) return {message: error.problems.join('\n'), exit: 2}
  const code = (error as {code?: string} | null)?.code
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return {message: `run store: ${(error as Error).message}`, exit: 1}
  return null
}

/** RUN given as a graph file: an existing file, or a name ending in .yaml/.yml. */
export function looksLikeGraphFile(arg: string): boolean {
  if (/\.ya?ml$/i.test(arg)) return true
  try {
    return existsSync(arg) && statSync(arg).isFile()
  } catch {
    return false
  }
}

/**
 * Wait until `refs` (or, when empty, the run's outputs) can be resolved: the run has
 * started. Returns null when `deadline` (ms since epoch) passes first.
 */
export async function waitResolved(store: Store, runId: string, refs: readonly string[], deadline: number): Promise<ResolvedRef[] | null> {
  for (const r of refs) parseRef(r)
  let last = ''
  let lastReconcile = 0
  for (;;) {
    if (Date.now() - lastReconcile > 1000) {
      lastReconcile = Date.now()
      reconcileRuns(store, runId)
    }
    const key = changeKey(store)
    if (key !== last) {
      last = key
      const run = getRun(store, runId)
      if (!run) throw new UsageError(`no run ${runId}`)
      const resolved = tryResolve(store, run, refs)
      if (resolved) return resolved
    }
    if (Date.now() >= deadline) return null
    await sleep(Math.min(20, deadline - Date.now()))
  }
}

/**
 * Report a user error on stderr and exit with `code`, without a stack trace (oclif's
 * `this.error` prints one in development mode).
 */
export function failWith(cmd: {exit(code?: number): never}, message: string, code: number): never {
  process.stderr.write(`Error: ${message}\n`)
  return cmd.exit(code)
}

/** Rethrow unless `error` is a user error, which is reported and exits. */
export function handleError(cmd: {exit(code?: number): never}, error: unknown): never {
  const e = userError(error)
  if (e) failWith(cmd, e.message, e.exit)
  throw error
}
