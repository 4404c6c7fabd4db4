// The warm pool: workers started lazily, idle ones reused, replacements started ahead.
import type {ObjectsConfig} from '../../objects/config.js'
import {nowMicros} from '../../core/clock.js'
import type {ExecutorSink} from '../types.js'
import {type WorkerExit, WorkerProc} from './worker-proc.js'

export class WorkerPool {
  private idle: WorkerProc[] = []
  readonly all = new Set<WorkerProc>()
  /** workers hosting commands that have a free slot */
  private cmdHosts = new Set<WorkerProc>()

  constructor(
    private readonly sink: ExecutorSink,
    /** commands one worker runs at a time */
    private readonly cmdSlots: number,
    /** workers to spread commands over before they share one */
    private readonly spread: number,
  ) {}

  /** a worker was forked in this turn of the event loop */
  private forkedThisTurn = false
  private readonly paced: (() => void)[] = []

  /**
   * Run `use` (which acquires a worker) now, or on a later turn of the event loop when it
   * would fork a second worker in this one. A fork blocks the event loop (tens of ms on a
   * busy machine), so 40 at once froze the runner and its live UI for seconds: one fork
   * per turn lets timers and messages in between.
   */
  whenSpawnable(use: () => void): void {
    if (this.paced.length === 0 && (this.idle.length > 0 || !this.forkedThisTurn)) use()
    else this.paced.push(use)
  }

  /** the run's object store, told to each worker before its first job */
  objects: ObjectsConfig | null = null
  private readonly toldObjects = new WeakMap<WorkerProc, ObjectsConfig | null>()

  /** an idle worker, or a new one (messages wait until it is ready) */
  acquire(): WorkerProc {
    const worker = this.idle.pop() ?? this.spawn()
    worker.setRef(true)
    if ((this.toldObjects.get(worker) ?? null) !== this.objects) {
      this.toldObjects.set(worker, this.objects)
      worker.send({t: 'objects', config: this.objects})
    }
    return worker
  }

  release(worker: WorkerProc): void {
    worker.mode = 'idle'
    if (!worker.alive || worker.reason !== null) return // being ended: never handed out again
    worker.setRef(false)
    this.idle.push(worker)
  }

  /** start a worker now so that it is warm when needed */
  prespawn(): void {
    this.release(this.spawn())
  }

  /**
   * A worker to run one more command. Spawning blocks a worker's event loop while the
   * kernel forks, so commands spread over one worker per core first, then share workers
   * (least busy first, up to cmdSlots each) rather than start a process per command.
   */
  acquireCmd(): WorkerProc {
    if (this.cmdHosts.size >= this.spread) {
      let best: WorkerProc | null = null
      for (const worker of this.cmdHosts) {
        if (worker.cmdUsers.size < this.cmdSlots && (!best || worker.cmdUsers.size < best.cmdUsers.size)) best = worker
      }
      if (best) return best
    }
    const worker = this.acquire()
    worker.mode = 'cmd'
    this.cmdHosts.add(worker)
    return worker
  }

  releaseCmd(worker: WorkerProc, id: number): void {
    worker.cmdUsers.delete(id)
    if (worker.cmdUsers.size === 0) {
      this.cmdHosts.delete(worker)
      this.release(worker)
    }
  }

  private spawn(): WorkerProc {
    const worker = new WorkerProc((exit) => this.exited(exit))
    this.all.add(worker)
    this.sink.event({type: 'worker-start', t: nowMicros(), pid: worker.pid})
    this.forked()
    return worker
  }

  private forked(): void {
    if (this.forkedThisTurn) return
    this.forkedThisTurn = true
    setImmediate(() => {
      this.forkedThisTurn = false
      while (!this.forkedThisTurn && this.paced.length > 0) this.paced.shift()!()
    })
  }

  private exited({worker, reason}: WorkerExit): void {
    this.all.delete(worker)
    this.cmdHosts.delete(worker)
    const i = this.idle.indexOf(worker)
    if (i >= 0) this.idle.splice(i, 1)
    this.sink.event({type: 'worker-exit', t: nowMicros(), pid: worker.pid, reason, calls: worker.calls})
  }
}
