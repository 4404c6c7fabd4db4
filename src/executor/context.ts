// What the parts of the local executor share: the sink (silenced once closed), the pool,
// the registry of command groups, and which unit of work holds each instance.
import type {TaskFailure} from '../core/events.js'
import type {WorkerPool} from './pool/pool.js'
import type {GroupRegistry} from './terminate/group-registry.js'
import type {ExecutorSink, Job} from './types.js'

export interface Cancellable {
  cancel(inst: number): void
}

export interface ExecutorContext {
  readonly sink: ExecutorSink
  readonly pool: WorkerPool
  readonly groups: GroupRegistry
  /** after close() nothing more is reported */
  closed: boolean
  /** instance -> the lane or command run that holds it, for cancel() */
  readonly holders: Map<number, Cancellable>
}

export const CANCELLED: TaskFailure = {kind: 'cancelled', name: 'CancelledError', message: 'cancelled'}

/** report a failure of a job that never ran (or whose run is abandoned) */
export function failJob(ctx: ExecutorContext, job: Job, error: TaskFailure, pid: number | null, startedAt: number, endedAt: number): void {
  ctx.holders.delete(job.inst)
  if (ctx.closed) return
  ctx.sink.done({inst: job.inst, attempt: job.attempt, pid, startedAt, endedAt, ok: false, error})
}
