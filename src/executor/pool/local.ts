// The local executor: fn batches and commands on a pool of worker processes on this machine.
import {availableParallelism} from 'node:os'
import {chainsOn} from './chain-switch.js'
import {CmdRun} from './cmd-lane.js'
import type {ExecutorContext} from '../context.js'
import {FnLane} from './fn-lane.js'
import {WorkerPool} from './pool.js'
import {GroupRegistry} from '../terminate/group-registry.js'
import type {CmdJob, Executor, ExecutorSink, FnJob, Job} from '../types.js'

export interface LocalExecutorOptions {
  /** commands one worker process runs at the same time (default 4) */
  readonly cmdSlotsPerWorker?: number
  /** workers commands spread over before sharing one (default: the machine's cores) */
  readonly cmdSpread?: number
  /** workers to start at once, idle and warm, before any job (default 0) */
  readonly prespawn?: number
  /** run chain links (FnJob.chain) in the worker that holds their input (default: on,
   * unless $RAYTS_CHAIN is 0) */
  readonly chains?: boolean
}

export function createLocalExecutor(sink: ExecutorSink, options: LocalExecutorOptions = {}): Executor {
  const ctx: ExecutorContext = {
    sink,
    pool: new WorkerPool(sink, options.cmdSlotsPerWorker ?? 4, options.cmdSpread ?? availableParallelism()),
    groups: new GroupRegistry(),
    closed: false,
    holders: new Map(),
  }
  // Last resort when rayts exits without close(): kill command groups, and workers whose
  // event loop user code may be blocking (the others exit when their channel closes).
  const onExit = (): void => {
    ctx.groups.killAll()
    for (const worker of ctx.pool.all) if (worker.mode === 'fn') worker.kill('shutdown')
  }
  process.on('exit', onExit)
  for (let i = 0; i < (options.prespawn ?? 0); i++) ctx.pool.prespawn()
  let closing: Promise<void> | null = null
  const chains = options.chains ?? chainsOn()

  return {
    submit(batch: readonly Job[]): void {
      if (ctx.closed || batch.length === 0) return
      if (batch[0]!.kind === 'cmd') {
        // commands always run one per lane; a longer batch still runs in order
        if (batch.length === 1) new CmdRun(ctx, batch[0] as CmdJob).start()
        else runCmdsInOrder(ctx, batch as readonly CmdJob[])
      } else {
        const lane = new FnLane(ctx, batch as readonly FnJob[], chains)
        ctx.pool.whenSpawnable(() => lane.dispatch())
      }
    },
    cancel(inst: number): void {
      ctx.holders.get(inst)?.cancel(inst)
    },
    useObjects(config): void {
      ctx.pool.objects = config
    },
    close(): Promise<void> {
      closing ??= (async () => {
        ctx.closed = true
        ctx.groups.killAll()
        const exits = [...ctx.pool.all].map((worker) => {
          if (worker.mode === 'fn') worker.kill('shutdown')
          else worker.retire('shutdown')
          return worker.exited
        })
        await Promise.all(exits)
        ctx.groups.dispose()
        ctx.holders.clear()
        process.off('exit', onExit)
      })()
      return closing
    },
  }
}

/** a batch of commands (the scheduler sends them alone, but the interface allows it) */
function runCmdsInOrder(ctx: ExecutorContext, jobs: readonly CmdJob[]): void {
  const runs: CmdRun[] = []
  let i = 0
  const step = (): void => {
    while (i < runs.length) if (runs[i++]!.start()) return
  }
  for (const job of jobs) runs.push(new CmdRun(ctx, job, step))
  step()
}
