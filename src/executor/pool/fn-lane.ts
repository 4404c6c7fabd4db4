// A batch of fn jobs: one lane, jobs in order on one worker at a time. The batch moves to
// another worker when max_calls retires its worker, or when its worker dies (the job that
// was running fails, the ones that had not started run on the next worker).
// Chain links (types.ts, FnChain) follow their job in the queue. A link goes to the worker
// with the job before it, which hands it the result; when that job already ended on an
// earlier worker, the link takes the result from here; when it did not succeed, the link is
// dropped, unreported (the scheduler takes it back when it hears of that job's failure).
import {nowMicros} from '../../core/clock.js'
import {startTimer, type Timer} from '../../core/timer.js'
import {crashError} from './crash-error.js'
import {CANCELLED, type Cancellable, type ExecutorContext, failJob} from '../context.js'
import type {WorkerProc, WorkerUser} from './worker-proc.js'
import type {FromWorker, OutItem, WireFnBatch, WireLink, WireTarget} from '../protocol.js'
import type {FnJob} from '../types.js'

export class FnLane implements WorkerUser, Cancellable {
  /** jobs not yet handed to a worker, from `head` on */
  private queue: FnJob[]
  private head = 0
  private worker: WorkerProc | null = null
  /** the jobs handed to `worker`; results arrive in order, `next` is the first without one */
  private chunk: FnJob[] = []
  private next = 0
  private cancelled: Set<number> | null = null
  private timer: Timer | undefined
  private begunAt = 0
  /** when the job at `next` began, as near as the parent knows: a crash's attempt starts here */
  private since = 0

  /** a link → the instance whose result it takes */
  private readonly inputOf = new Map<FnJob, number>()
  /** an instance → the link that takes its result */
  private readonly linkOf = new Map<number, FnJob>()
  /** a link whose input succeeded → its arguments with the input in place */
  private readonly filled = new Map<FnJob, unknown[]>()
  /** chain links of the current chunk, or null when it has none */
  private links: (WireLink | null)[] | null = null

  constructor(
    private readonly ctx: ExecutorContext,
    jobs: readonly FnJob[],
    /** run chain links (off: leave them to the scheduler) */
    chains: boolean,
  ) {
    this.queue = []
    for (const job of jobs) {
      this.queue.push(job)
      const chain = job.chain
      if (!chain || !chains) continue
      chain.claimed = true
      let before = job.inst
      for (const link of chain.links) {
        this.queue.push(link)
        this.inputOf.set(link, before)
        this.linkOf.set(before, link)
        before = link.inst
      }
    }
    for (const job of this.queue) ctx.holders.set(job.inst, this)
  }

  dispatch(): void {
    if (this.ctx.closed || this.head >= this.queue.length) return
    const worker = this.ctx.pool.acquire()
    worker.mode = 'fn'
    worker.fnUser = this
    this.worker = worker
    this.chunk = this.takeChunk(worker)
    this.next = 0
    this.cancelled = null
    if (this.chunk.length === 0) {
      // every job left was a link whose input failed
      this.releaseWorker()
      return
    }
    try {
      worker.send({t: 'fn', batch: packFnBatch(this.chunk, this.links)})
    } catch (error) {
      // arguments that do not clone (they come from results, so this is rare)
      const message = error instanceof Error ? error.message : String(error)
      const now = nowMicros()
      for (const job of this.chunk) failJob(this.ctx, job, {kind: 'error', name: 'TypeError', message: `arguments of ${job.name} cannot be sent: ${message}`}, null, now, now)
      this.releaseWorker()
      this.dispatch()
      return
    }
    this.since = nowMicros()
    if (this.chunk.length === 1) {
      const job = this.chunk[0]!
      this.ctx.sink.started(job.inst, job.attempt, worker.pid, this.since)
    }
  }

  /** as many queued jobs as the worker may still run (max_calls), at least one (unless all are dropped links) */
  private takeChunk(worker: WorkerProc): FnJob[] {
    const chunk: FnJob[] = []
    const links: (WireLink | null)[] | null = this.inputOf.size > 0 ? [] : null
    let end = this.head
    while (end < this.queue.length) {
      let job = this.queue[end++]!
      let link: WireLink | null = null
      const input = links ? this.inputOf.get(job) : undefined
      if (input !== undefined) {
        const args = this.filled.get(job)
        if (args) {
          this.forgetLink(job)
          job = {...job, args, fill: undefined}
        } else if (chunk.length > 0 && chunk[chunk.length - 1]!.inst === input) {
          link = {from: chunk.length - 1, fill: job.fill ?? []}
        } else {
          this.drop(job)
          continue
        }
      }
      chunk.push(job)
      links?.push(link)
      if (job.maxCalls > 0) {
        const key = job.module + '#' + job.export
        const calls = (worker.callsOf.get(key) ?? 0) + 1
        worker.callsOf.set(key, calls)
        if (calls >= job.maxCalls) {
          // its last allowed call: start the replacement now, so no job waits for a cold start
          worker.retiring = true
          this.ctx.pool.prespawn()
          break
        }
      }
    }
    worker.calls += chunk.length
    this.links = links
    this.head = end
    if (this.head === this.queue.length) {
      this.queue = []
      this.head = 0
    }
    return chunk
  }

  onMessage(message: FromWorker): void {
    if (message.t === 'out') {
      const chunk = this.chunk
      const pid = this.worker!.pid
      // free the worker before reporting, so that work submitted from done() can use it
      if (message.end) this.releaseWorker()
      for (const item of message.items) this.item(item, chunk, pid)
      if (message.end) this.dispatch()
    } else if (message.t === 'begin') {
      const job = this.chunk[message.i]
      this.since = message.at
      if (job?.timeout != null) {
        this.begunAt = message.at
        this.timer = startTimer(() => this.timedOut(job), job.timeout * 1000)
      }
    }
  }

  private item(item: OutItem, chunk: readonly FnJob[], pid: number): void {
    const job = chunk[item.i]!
    if (item.k === 'log') {
      if (!this.cancelled?.has(item.i)) this.ctx.sink.log(job.inst, job.attempt, item.fd, item.text)
      return
    }
    this.next = item.i + 1
    if (this.linkOf.size > 0 || this.inputOf.size > 0) {
      this.forgetLink(job)
      if (item.k === 'ok' && !this.cancelled?.has(item.i)) this.fillLink(job.inst, item.v)
      else this.linkOf.delete(job.inst)
    }
    if (item.k === 'skip') {
      if (this.ctx.holders.get(job.inst) === this) this.ctx.holders.delete(job.inst)
      return
    }
    this.since = item.e // the next job starts as this one ends
    if (this.cancelled?.has(item.i)) return
    if (this.timer) {
      this.timer.clear()
      this.timer = undefined
    }
    this.ctx.holders.delete(job.inst)
    if (this.ctx.closed) return
    if (chunk.length > 1) this.ctx.sink.started(job.inst, job.attempt, pid, item.s)
    if (item.k === 'ok') this.ctx.sink.done({inst: job.inst, attempt: job.attempt, pid, startedAt: item.s, endedAt: item.e, calledAt: item.c, returnedAt: item.r, ok: true, value: item.v})
    else this.ctx.sink.done({inst: job.inst, attempt: job.attempt, pid, startedAt: item.s, endedAt: item.e, calledAt: item.c, returnedAt: item.r, ok: false, error: item.err})
  }

  /** job `inst` succeeded: its link (if any) takes the result, here or in the worker */
  private fillLink(inst: number, value: unknown): void {
    const link = this.linkOf.get(inst)
    if (link === undefined) return
    this.linkOf.delete(inst)
    const args = link.args.slice()
    for (const k of link.fill ?? []) args[k] = value
    this.filled.set(link, args)
  }

  private forgetLink(link: FnJob): void {
    this.inputOf.delete(link)
    this.filled.delete(link)
  }

  /** a link whose input did not succeed: never run, never reported */
  private drop(link: FnJob): void {
    this.forgetLink(link)
    this.linkOf.delete(link.inst)
    if (this.ctx.holders.get(link.inst) === this) this.ctx.holders.delete(link.inst)
  }

  private releaseWorker(): void {
    const worker = this.worker!
    worker.fnUser = null
    this.worker = null
    this.chunk = []
    if (worker.retiring) worker.retire('max_calls')
    else this.ctx.pool.release(worker)
  }

  private timedOut(job: FnJob): void {
    this.timer = undefined
    if (!this.worker) return
    this.cancelledAt(this.next)
    failJob(this.ctx, job, {kind: 'timeout', name: 'TimeoutError', message: `timed out after ${job.timeout} s`}, this.worker.pid, this.begunAt, nowMicros())
    this.worker.kill('timeout')
  }

  cancel(inst: number): void {
    const now = nowMicros()
    const queued = this.queue.findIndex((job, i) => i >= this.head && job.inst === inst)
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1)
      failJob(this.ctx, job!, CANCELLED, null, now, now)
      return
    }
    const i = this.chunk.findIndex((job) => job.inst === inst)
    if (i < this.next || !this.worker) return
    const job = this.chunk[i]!
    this.cancelledAt(i)
    failJob(this.ctx, job, CANCELLED, this.worker.pid, now, now)
    if (i === this.next) {
      // it is running (or about to): only killing its worker stops it
      this.timer?.clear()
      this.worker.kill('cancel')
    } else this.worker.send({t: 'skip', i})
  }

  private cancelledAt(i: number): void {
    ;(this.cancelled ??= new Set()).add(i)
  }

  onExit(worker: WorkerProc, code: number | null, signal: NodeJS.Signals | null): void {
    this.timer?.clear()
    this.timer = undefined
    this.worker = null
    const chunk = this.chunk
    this.chunk = []
    if (this.next < chunk.length) {
      const running = chunk[this.next]!
      if (!this.cancelled?.has(this.next)) {
        failJob(this.ctx, running, crashError(worker, code, signal, running.name), worker.pid, Math.min(this.since, nowMicros()), nowMicros())
      }
      // the jobs that had not started were not attempts yet: run them on another worker
      const rest = chunk.slice(this.next + 1).filter((_, k) => !this.cancelled?.has(this.next + 1 + k))
      this.queue = this.queue.slice(0, this.head).concat(rest, this.queue.slice(this.head)) // no splice(...rest): unbounded
    }
    this.dispatch()
  }
}

function packFnBatch(jobs: readonly FnJob[], links: readonly (WireLink | null)[] | null): WireFnBatch {
  const targets: WireTarget[] = []
  const target: number[] = new Array(jobs.length)
  const names: string[] = new Array(jobs.length)
  const args: (readonly unknown[])[] = new Array(jobs.length)
  const timed: number[] = []
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!
    let env: Readonly<Record<string, string>> | null = null
    for (const _ in job.env) {
      env = job.env
      break
    }
    let t = targets.findIndex((x) => x.module === job.module && x.export === job.export && x.cwd === job.cwd && x.env === env && x.numReturns === job.numReturns)
    if (t < 0) t = targets.push({module: job.module, export: job.export, numReturns: job.numReturns, env, cwd: job.cwd}) - 1
    target[i] = t
    names[i] = job.name
    args[i] = job.args
    if (job.timeout !== null) timed.push(i)
  }
  return links ? {targets, target, names, args, timed, links} : {targets, target, names, args, timed}
}
