// Everything behind `rayts run` (and the detached process of `rayts submit`): resume, compile,
// prepare the cluster, start the recorded run (recorded-run.ts), report, handle signals and
// lost output, write the timeline, pick the exit code.
import {resolve as resolvePath} from 'node:path'
import {compileGraphFile, formatProblem} from '../graph/index.js'
import {type CreateRunDeps, RunSetupError} from './run.js'
import type {RunSummary} from './types.js'
import {ExitCode} from '../core/exit-codes.js'
import {onBrokenOutput} from './broken-pipe.js'
import {EarlyExecutor, takeEarlyPool} from './early-executor.js'

export interface RunFromCliOptions {
  /** the graph file; with `resume` it may be omitted (the stored one is used) */
  readonly graphFile: string | undefined
  readonly set: readonly string[]
  readonly numCpus: number | undefined
  readonly resources: Readonly<Record<string, number>>
  readonly failFast: boolean
  readonly timeline: string | undefined
  readonly numReturns: number | undefined
  readonly timeoutSeconds: number | undefined
  readonly json: boolean
  /** --color / --no-color; NO_COLOR, TERM=dumb and non-terminals are applied on top */
  readonly color: boolean
  /** a run id or `last` to continue */
  readonly resume: string | undefined
  /** a run id made beforehand (by `submit`) */
  readonly runId: string | undefined
  /** no reporter at all (the detached process of `submit`: everything goes to the store) */
  readonly quiet: boolean
  /** the tasks' own output goes to the store only, not to stderr */
  readonly quietTasks?: boolean
  readonly stdout: NodeJS.WriteStream
  readonly stderr: NodeJS.WriteStream
  readonly env: NodeJS.ProcessEnv
  /**
   * A second Ctrl-C: the processes are killed at once, then this ends the program without
   * waiting (the command's `process.exit`; library code never calls it itself)
   */
  readonly exitNow: (code: number) => void
  /** a Redis URL: run the tasks on that cluster's workers (default: $RAYTS_CLUSTER) */
  readonly cluster?: string
  /** bytes of tmpfs the run's objects may use before they spill to disk (default: objects/memory-budget.ts) */
  readonly objectStoreMemory?: number
  /** --no-cache: the result cache is neither read nor written */
  readonly noCache?: boolean
}

export async function runFromCli(o: RunFromCliOptions): Promise<number> {
  const cluster = o.cluster ?? (o.env.RAYTS_CLUSTER || undefined)
  // the local pool's first worker boots while the store opens and the graph compiles
  // (started by the CLI's entry when it came that way, before oclif loaded)
  const entry = takeEarlyPool()
  if (cluster) await entry?.discard()
  const early = cluster ? undefined : (entry ?? new EarlyExecutor())
  const {openStore, newRunId, recordOnThread, prepareResume} = await import('../store/index.js')
  let store: ReturnType<typeof openStore> | undefined
  let resumed: import('../store/index.js').PreparedResume | undefined
  let recorded: import('./recorded-run.js').RecordedRun | undefined
  try {
    store = openStore()
    let graphFile = o.graphFile
    let set = o.set
    let numCpus = o.numCpus
    let resources = o.resources
    let failFast = o.failFast
    let runId = o.runId
    let reuse: ReadonlyMap<string, unknown> | undefined
    if (o.resume) {
      const prepared = (resumed = prepareResume(store, o.resume))
      runId = prepared.runId
      graphFile ??= prepared.meta.graphFile
      if (set.length === 0) set = prepared.meta.set
      numCpus ??= prepared.meta.numCpus ?? undefined
      if (Object.keys(resources).length === 0) resources = prepared.meta.resources
      failFast ||= prepared.meta.failFast
      reuse = prepared.results
    }
    if (!graphFile) {
      o.stderr.write('Error: a GRAPH file (or --resume RUN) is required\n')
      return ExitCode.Usage
    }
    const compiled = compileGraphFile(graphFile, {set})
    if (!compiled.ok) {
      for (const p of compiled.problems) o.stderr.write(`${formatProblem(p)}\n`)
      return ExitCode.Usage
    }
    const id = runId ?? newRunId()
    if (!o.quiet && !o.noCache) {
      const {cacheWarnings} = await import('../graph/index.js')
      for (const w of cacheWarnings(compiled.graph, graphFile)) o.stderr.write(`${w}\n`)
    }
    let slots = {numCpus, resources}
    let deps: CreateRunDeps = early ? {makeExecutor: early.make} : {}
    let clusterLost: Promise<string> | undefined
    if (cluster) {
      const {prepareCluster, describeCode} = await import('../cluster/index.js')
      const prepared = await prepareCluster(cluster, compiled.graph, id, {numCpus, resources})
      if (!o.quiet) o.stderr.write(`${describeCode(prepared.code)}\n`)
      slots = {numCpus: prepared.numCpus, resources: prepared.resources}
      deps = {makeExecutor: prepared.makeExecutor}
      clusterLost = prepared.lost
    }
    if (cluster && reuse) reuse = await loadReusedValues(reuse) // cluster workers cannot read this machine's files
    const {startRecordedRun, RUN_SIGNALS} = await import('./recorded-run.js')
    const file = resolvePath(graphFile)
    try {
      recorded = startRecordedRun({
        graph: compiled.graph,
        run: {runId: id, ...slots, failFast, reuse},
        deps,
        store,
        meta: {
          runId: id,
          graphFile: file,
          set: [...set],
          numCpus: numCpus ?? null,
          resources: {...resources},
          failFast,
          ...(cluster ? {cluster: true} : {}),
          ...(o.noCache ? {noCache: true} : {}),
        },
        record: {
          onWriteError: (message) => o.stderr.write(`rayts: could not write the run store: ${message}\n`),
          thread: recordOnThread(compiled.graph.instances.length, o.env),
        },
        objects: cluster
          ? null
          : {
              budget: o.objectStoreMemory,
              env: o.env,
              // no folder for objects (tmpfs and $RAYTS_HOME refused it): values cross inline, as before
              unavailable: (error) => o.stderr.write(`rayts: run ${id}: no object store (${error.message}); big values go through the runner\n`),
            },
        cache:
          !o.noCache && compiled.graph.tasks.some((task) => task.options.cache === true)
            ? {
                file,
                dir: compiled.graph.dir,
                inlineHits: cluster !== undefined,
                warn: (message) => {
                  if (!o.quiet) o.stderr.write(`rayts: ${message}\n`)
                },
              }
            : null,
        collect: o.timeline !== undefined,
      })
    } catch (error) {
      if (!(error instanceof RunSetupError)) throw error
      for (const p of error.problems) o.stderr.write(`${graphFile}: ${p}\n`)
      return ExitCode.Usage
    }
    const {handle} = recorded
    const reporter = o.quiet ? undefined : await attach(o, handle.events)

    let interrupted = false
    /** a signal or lost output: cancel, and say why (`cancelling… (SIGINT)`) */
    const interrupt = (why: string): void => {
      if (interrupted) {
        handle.forceKill()
        o.exitNow(ExitCode.Interrupted)
        return
      }
      interrupted = true
      reporter?.cancelling(why)
      handle.cancel()
    }
    const onSignal = (signal: NodeJS.Signals): void => interrupt(signal)
    if (failFast && reporter) {
      // the scheduler cancels the rest after a task failed for good: say so once it does
      const shown = reporter
      let failed = false
      handle.events.subscribe((e) => {
        if (e.type === 'failed') failed = true
        else if ((e.type === 'cancelled' || e.type === 'cancelled-rest') && failed && !interrupted) shown.cancelling('--fail-fast')
      })
    }
    // Redis lost mid-run: the tasks in flight failed (ClusterLostError); stop the rest
    let lost: string | undefined
    void clusterLost?.then((message) => {
      lost = message
      handle.cancel()
    })
    for (const s of RUN_SIGNALS) process.on(s, onSignal)
    // a reader gone (EPIPE) cancels once; it may repeat at every later write
    onBrokenOutput(new Map([[o.stdout, 'stdout'], [o.stderr, 'stderr']]), (why) => {
      if (!interrupted) interrupt(why)
    })
    let summary: RunSummary
    try {
      handle.start()
      summary = await handle.done
    } finally {
      for (const s of RUN_SIGNALS) process.off(s, onSignal)
    }
    await reporter?.close()
    const settled = recorded.settle()
    // the big results live in the objects kept on disk: without them the run is not recorded
    const notKept = settled.notKept === null ? null : (settled.notKept as Error).message
    const notKeptRecorded = settled.notKept instanceof (await import('../objects/run-object-store.js')).ObjectsNotKeptError
    let timelineLost = false
    if (o.timeline && recorded.collected) {
      const {writeTimeline} = await import('../trace/index.js')
      try {
        writeTimeline(o.timeline, recorded.collected)
        if (!o.json && !o.quiet) o.stderr.write(`timeline written to ${o.timeline}\n`)
      } catch (error) {
        // as `rayts timeline` says it (exit 1); the run itself is recorded, so it can be drawn again
        timelineLost = true
        if (!o.quiet) o.stderr.write(`Error: cannot write ${o.timeline}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (the run is recorded: rayts timeline ${id} -o FILE)\n`)
      }
    }
    if (settled.writeError === null && notKeptRecorded) {
      o.stderr.write(`Error: ${notKept}\n`)
      if (!interrupted) return ExitCode.NotRecorded
    }
    const writeError = settled.writeError ?? notKept
    if (writeError !== null) {
      o.stderr.write(`Error: the results of run ${id} could not be recorded in ${store.home}: ${writeError}. What was printed above stands; get, status and --resume will not have it.\n`)
      if (!interrupted) return ExitCode.NotRecorded
    }
    if (lost !== undefined) {
      if (!o.quiet) o.stderr.write(`Error: ${lost}. Once Redis is back: rayts run --resume ${id} --cluster URL\n`)
      return ExitCode.TaskFailed
    }
    if (interrupted || summary.state === 'cancelled') return ExitCode.Interrupted
    return summary.state === 'failed' || timelineLost ? ExitCode.TaskFailed : ExitCode.Ok
  } finally {
    recorded?.dispose()
    await early?.discard()
    try {
      resumed?.release() // ended before its run started: the run is as it was
    } finally {
      store?.close()
    }
  }
}

async function loadReusedValues(reuse: ReadonlyMap<string, unknown>): Promise<Map<string, unknown>> {
  const {loadRefs} = await import('../objects/read.js')
  const out = new Map<string, unknown>()
  for (const [name, value] of reuse) out.set(name, loadRefs(value))
  return out
}

async function attach(o: RunFromCliOptions, events: import('../core/events.js').EventStream) {
  const {chooseRenderer, attachReporter, wantColor} = await import('../ui/index.js')
  const renderer = chooseRenderer({json: o.json, stderr: o.stderr, env: o.env})
  return attachReporter(events, {
    renderer,
    color: wantColor({flag: o.color, stream: o.stderr, env: o.env}),
    numReturns: o.numReturns,
    timeoutSeconds: o.timeoutSeconds,
    quietTasks: o.quietTasks,
    stdout: o.stdout,
    stderr: o.stderr,
  })
}
