// Before a cluster run starts: reach Redis, find the live workers, check that every task
// fits at least one of them, and put the run's code (code-files.ts) into Redis once.
import type {CompiledGraph} from '../graph/model.js'
import type {Executor, ExecutorSink} from '../executor/types.js'
import {UsageError} from '../core/usage-error.js'
import {IncludeError, selectCode, type CodeSource} from './code-files.js'
import {CodePackError, packFiles} from './code-pack.js'
import type {PackedCode} from './code-report.js'
import {ImportError} from './imports.js'
import {createClusterExecutor} from './coordinator.js'
import {codeKey, RUN_TTL} from './keys.js'
import {lostAfterMs} from './link.js'
import {clusterCapacity, clusterFitProblems} from './needs.js'
import {ClusterConnectError, connectChecked} from './redis.js'
import {liveWorkers, type WorkerInfo} from './registry.js'
import {parseClusterUrl, redact, withPassword} from './url.js'

export interface PreparedCluster {
  readonly workers: readonly WorkerInfo[]
  /** CPU slots for the scheduler: --num-cpus, else IN_FLIGHT × the sum over live workers */
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
  /** what was packed for the workers (describeCode says it for the user) */
  readonly code: PackedCode
  readonly makeExecutor: (sink: ExecutorSink) => Executor
  /**
   * settles (with the message) if Redis stops answering mid-run for LOST_AFTER_MS: the tasks
   * in flight have failed with ClusterLostError; the caller should cancel the rest
   */
  readonly lost: Promise<string>
}

/** tasks in flight per CPU slot of the cluster (queued in Redis beyond the slots) */
const IN_FLIGHT = 4

/** Throws UsageError with a message for the user when the cluster cannot take the run. */
export async function prepareCluster(
  url: string,
  graph: CompiledGraph,
  runId: string,
  asked: {readonly numCpus: number | undefined; readonly resources: Readonly<Record<string, number>>},
  /** what is packed and checked against the workers (default: `graph`) */
  codeOf: CodeSource = graph,
): Promise<PreparedCluster> {
  // a password in $RAYTS_REDIS_PASSWORD, kept out of argv
  url = withPassword(url, {env: process.env, flag: 'cluster'})
  const lostAfter = lostAfterMs()
  const parsed = parseClusterUrl(url, 'cluster')
  let redis
  try {
    redis = await connectChecked(url, redact(url))
  } catch (error) {
    if (error instanceof ClusterConnectError) throw new UsageError(error.message)
    throw error
  }
  try {
    const workers = await liveWorkers(redis)
    if (workers.length === 0) {
      throw new UsageError(`no live workers in the cluster at ${redact(parsed.url)}: start one with \`rayts worker --redis URL\``)
    }
    const problems = clusterFitProblems(codeOf, workers)
    if (problems.length > 0) throw new UsageError(problems.join('\n'))
    let code: PackedCode
    try {
      const chosen = await selectCode(codeOf)
      const pack = packFiles(chosen.root, chosen.files, chosen.dirs)
      code = {sha: pack.sha, root: chosen.root, files: pack.files, bytes: pack.bytes.length, rawBytes: pack.rawBytes, paths: chosen.files, missing: chosen.missing, unmatched: chosen.unmatched}
      await redis.set(codeKey(pack.sha), pack.bytes, 'EX', RUN_TTL)
    } catch (error) {
      if (error instanceof CodePackError || error instanceof IncludeError || error instanceof ImportError) throw new UsageError(error.message)
      throw error
    }
    const total = clusterCapacity(workers)
    let onLost!: (message: string) => void
    const lost = new Promise<string>((r) => (onLost = r))
    return {
      workers,
      // twice the slots: a batch waits in the queue while another crosses the network, so
      // workers do not idle for the round trip; each worker still runs only what fits it
      numCpus: asked.numCpus ?? IN_FLIGHT * total.cpu!,
      resources: {...Object.fromEntries(Object.entries(total).filter(([k]) => k !== 'cpu')), ...asked.resources},
      code,
      makeExecutor: (sink) => createClusterExecutor(sink, {url, graph, runId, code, onLost, printable: redact(url), lostAfterMs: lostAfter}),
      lost,
    }
  } finally {
    redis.disconnect()
  }
}
