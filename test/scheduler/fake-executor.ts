// A synchronous fake executor for unit tests of the scheduler's state machine: it runs
// nothing, keeps what it was handed, and reports an outcome when the test says so. No
// process, no worker; a run is a graph file compiled from a temporary folder.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ExecutionContext} from 'ava'
import {EventStream, type RunEvent, type RunState, type TaskFailure} from '../../src/core/events.js'
import {nowMicros} from '../../src/core/clock.js'
import type {Executor, ExecutorSink, FnJob, Job} from '../../src/executor/types.js'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'
import {BatchSizer} from '../../src/scheduler/batch-size.js'
import type {InstanceCache} from '../../src/scheduler/cache-seam.js'
import {fnKey} from '../../src/scheduler/jobs.js'
import {NO_OBJECTS} from '../../src/scheduler/object-reads.js'
import {Scheduler, type SchedulerOptions} from '../../src/scheduler/scheduler.js'

export interface FakeOptions {
  /** claim the chains of fn jobs (as the local pool does); default: leave them, so the scheduler takes them back */
  readonly claimChains?: boolean
}

export class FakeExecutor implements Executor {
  /** every batch handed over, in order */
  readonly batches: Job[][] = []
  /** the jobs handed over and not reported done yet, by instance (chain links once claimed) */
  readonly live = new Map<number, Job>()
  readonly cancels: number[] = []
  closed = false
  /** a claimed chain: a job → the link after it */
  private readonly linkAfter = new Map<number, number>()

  constructor(
    private readonly sink: ExecutorSink,
    private readonly options: FakeOptions = {},
  ) {}

  submit(batch: readonly Job[]): void {
    this.batches.push([...batch])
    for (const job of batch) {
      this.live.set(job.inst, job)
      if (job.kind === 'fn' && job.chain && this.options.claimChains) {
        job.chain.claimed = true
        let before = job.inst
        for (const link of job.chain.links) {
          this.live.set(link.inst, link)
          this.linkAfter.set(before, link.inst)
          before = link.inst
        }
      }
    }
  }

  /** a cancel of a job it holds ends it at once, as `cancelled` */
  cancel(inst: number): void {
    this.cancels.push(inst)
    if (this.live.has(inst)) this.fail(inst, {kind: 'cancelled', name: 'CancelledError', message: 'cancelled'})
  }

  close(): Promise<void> {
    this.closed = true
    this.live.clear()
    return Promise.resolve()
  }

  /** the job of `inst` it holds (fails the test's expectation by throwing when there is none) */
  job(inst: number): Job {
    const job = this.live.get(inst)
    if (!job) throw new Error(`the fake executor holds no job of instance ${inst}`)
    return job
  }

  succeed(inst: number, value: unknown): void {
    const {attempt} = this.take(inst)
    const t = nowMicros()
    this.sink.done({inst, attempt, pid: 1, startedAt: t, endedAt: t, ok: true, value})
  }

  fail(inst: number, error: TaskFailure): void {
    const {attempt} = this.take(inst)
    // the links after it are dropped without a report (executor/types.ts, FnChain)
    for (let d = this.linkAfter.get(inst); d !== undefined; d = this.linkAfter.get(d)) this.live.delete(d)
    const t = nowMicros()
    this.sink.done({inst, attempt, pid: 1, startedAt: t, endedAt: t, ok: false, error})
  }

  private take(inst: number): Job {
    const job = this.job(inst)
    this.live.delete(inst)
    return job
  }
}

export const ERROR: TaskFailure = {kind: 'error', name: 'ValueError', message: 'bad value'}
export const CRASH: TaskFailure = {kind: 'crash', name: 'CrashError', message: 'the worker died', signal: 'SIGKILL'}
export const TIMEOUT: TaskFailure = {kind: 'timeout', name: 'TimeoutError', message: 'timed out'}

export interface FakeRun {
  readonly scheduler: Scheduler
  readonly fake: FakeExecutor
  readonly events: RunEvent[]
  /** the instance numbered `name`, as the run announced it */
  inst(name: string): number
  /** the events of one instance, as `type#attempt` */
  story(name: string): string[]
  /** the state the run ended in, once it has */
  ended(): Promise<RunState>
}

export interface FakeRunOptions extends FakeOptions {
  readonly failFast?: boolean
  readonly reuse?: ReadonlyMap<string, unknown>
  readonly cache?: InstanceCache
  readonly open?: boolean
  readonly capacity?: Record<string, number>
  /** chain fusion (default off: a test of chains turns it on) */
  readonly chains?: boolean
  /** fn exports measured short, so that they batch and chain (as a warm pool knows them) */
  readonly short?: readonly string[]
}

const MODULE = 'export function f(...xs) { return xs }\nexport function g(...xs) { return xs }\n'

/** Compile `tasks` (the lines under `tasks:`, module ./m.mjs with f and g) and start a scheduler on a fake executor. */
export function fakeRun(t: ExecutionContext, tasks: string, options: FakeRunOptions = {}): FakeRun {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-fake-exec-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'm.mjs'), MODULE)
  const file = join(dir, 'g.yaml')
  writeFileSync(file, `version: 1\nmodule: ./m.mjs\ntasks:\n${tasks}\n`)
  const compiled = compileGraphFile(file)
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'))
  const graph = compiled.graph
  for (const name of options.short ?? []) {
    const task = graph.tasks.find((x) => x.fn?.export === name)
    if (task) new BatchSizer().observe(fnKey(task), 10)
  }
  const events: RunEvent[] = []
  const names = new Map<string, number>()
  const stream = new EventStream()
  stream.subscribe((e) => {
    events.push(e)
    if (e.type === 'run-start' || e.type === 'expanded' || e.type === 'added') for (const i of e.instances) names.set(i.name, i.idx)
  })
  let fake: FakeExecutor | undefined
  const schedulerOptions: SchedulerOptions = {
    runId: 'fake',
    capacity: options.capacity ?? {cpu: 4},
    failFast: options.failFast ?? false,
    reuse: options.reuse,
    open: options.open,
    cache: options.cache,
    chains: options.chains ?? false,
    objects: NO_OBJECTS,
  }
  const scheduler = new Scheduler(graph, stream, (sink) => (fake = new FakeExecutor(sink, options)), schedulerOptions)
  scheduler.start()
  const inst = (name: string): number => {
    const idx = names.get(name)
    if (idx === undefined) throw new Error(`no instance ${name} announced`)
    return idx
  }
  return {
    scheduler,
    fake: fake!,
    events,
    inst,
    story: (name) => {
      const idx = inst(name)
      return events.filter((e) => 'inst' in e && e.inst === idx && e.type !== 'log').map((e) => `${e.type}${'attempt' in e ? `#${e.attempt}` : ''}`)
    },
    ended: () => scheduler.ended,
  }
}

/** let the scheduler's queued work run (its pump is a microtask; an executor's close settles a promise) */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** the fn job of `inst` the fake holds */
export function fnJob(fake: FakeExecutor, inst: number): FnJob {
  const job = fake.job(inst)
  if (job.kind !== 'fn') throw new Error(`instance ${inst}: a ${job.kind} job`)
  return job
}
