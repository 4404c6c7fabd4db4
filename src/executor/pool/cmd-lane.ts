// One command attempt, parent side: handed to a worker, which spawns it in its own process
// group (spawning from workers spreads the fork cost over cores). The parent records the
// group so that it can kill it whatever happens to the worker.
import {nowMicros} from '../../core/clock.js'
import {crashError} from './crash-error.js'
import {CANCELLED, type Cancellable, type ExecutorContext, failJob} from '../context.js'
import {forgetGroup, watchGroup} from './reaper.js'
import type {WorkerProc, WorkerUser} from './worker-proc.js'
import type {FromWorker, WireCmd} from '../protocol.js'
import {killGroup} from '../../core/kill-group.js'
import type {CmdJob} from '../types.js'

let nextId = 1

export class CmdRun implements WorkerUser, Cancellable {
  private readonly id = nextId++
  private worker: WorkerProc | null = null
  private pgid: number | null = null
  private startedAt = 0
  private ended = false

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly job: CmdJob,
    /** called once the job is reported done (to run the next of a batch) */
    private readonly after?: () => void,
  ) {
    ctx.holders.set(job.inst, this)
  }

  /** false when it will not run (cancelled before its turn, or closed) */
  start(): boolean {
    if (this.ctx.closed || this.ended) return false
    const worker = this.ctx.pool.acquireCmd()
    worker.cmdUsers.set(this.id, this)
    worker.calls++
    this.worker = worker
    const {job} = this
    const wire: WireCmd = {
      name: job.name,
      command: job.command,
      stdin: job.stdin,
      output: job.output,
      env: job.env,
      cwd: job.cwd,
      timeout: job.timeout,
    }
    worker.send({t: 'cmd', id: this.id, job: wire})
    return true
  }

  onMessage(message: FromWorker): void {
    const {job, ctx} = this
    switch (message.t) {
      case 'spawned':
        this.pgid = message.pid
        this.startedAt = message.at
        ctx.groups.add(message.pid)
        watchGroup(message.pid)
        if (ctx.closed) return
        ctx.sink.event({type: 'process-group', t: nowMicros(), inst: job.inst, attempt: job.attempt, pgid: message.pid, alive: true})
        ctx.sink.started(job.inst, job.attempt, message.pid, message.at)
        break
      case 'cmd-log':
        if (!ctx.closed) ctx.sink.log(job.inst, job.attempt, 'stderr', message.text)
        break
      case 'cmd-done': {
        const {result} = message
        this.groupGone()
        ctx.pool.releaseCmd(this.worker!, this.id)
        this.worker = null
        ctx.holders.delete(job.inst)
        this.ended = true
        if (ctx.closed) return
        const base = {inst: job.inst, attempt: job.attempt, pid: result.pid, startedAt: result.s, endedAt: result.e}
        ctx.sink.done(result.ok ? {...base, ok: true, value: result.value} : {...base, ok: false, error: result.error})
        this.after?.()
        break
      }
    }
  }

  cancel(): void {
    if (this.worker) this.worker.send({t: 'cancel-cmd', id: this.id})
    else if (!this.ended) {
      const now = nowMicros()
      this.ended = true
      failJob(this.ctx, this.job, CANCELLED, null, now, now)
    }
  }

  onExit(worker: WorkerProc, code: number | null, signal: NodeJS.Signals | null): void {
    this.worker = null
    if (this.pgid !== null) killGroup(this.pgid, 'SIGKILL')
    const startedAt = this.startedAt
    this.groupGone()
    this.ended = true
    failJob(this.ctx, this.job, crashError(worker, code, signal, this.job.name), null, startedAt || nowMicros(), nowMicros())
    if (!this.ctx.closed) this.after?.()
  }

  private groupGone(): void {
    if (this.pgid === null) return
    this.ctx.groups.delete(this.pgid)
    forgetGroup(this.pgid)
    if (!this.ctx.closed)
      this.ctx.sink.event({type: 'process-group', t: nowMicros(), inst: this.job.inst, attempt: this.job.attempt, pgid: this.pgid, alive: false})
    this.pgid = null
  }
}
