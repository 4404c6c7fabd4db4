// `rayts worker`: joins a cluster, takes batches from the BullMQ queue and runs them on its
// own local pool (createLocalExecutor: max_calls, process groups, timeouts, logs). BullMQ
// concurrency = its CPU slots; each batch also waits on the worker's own resource gate, and
// a batch that could never fit this worker is handed back (delayed) for another one.
import {randomBytes} from 'node:crypto'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {DelayedError, Worker, type Job as BullJob} from 'bullmq'
import {createLocalExecutor} from '../executor/index.js'
import type {Executor, ExecutorSink, Job, JobOutcome} from '../executor/types.js'
import {ensurePrivateDir, raytsHome} from '../store/home.js'
import {cachedCode, unpackInto} from './code-pack.js'
import {defineDeliver} from './deliver.js'
import {ResourceGate} from './gate.js'
import {
  aliveKey,
  CANCEL_CHANNEL,
  codeKey,
  doneKey,
  HEARTBEAT_EVERY_MS,
  LOCK_DURATION_MS,
  QUEUE,
  STALLED_INTERVAL_MS,
} from './keys.js'
import {demandOfNeeds} from './needs.js'
import {Outbox} from './outbox.js'
import {connect, type RedisClient} from './redis.js'
import {publishHeartbeat, removeWorker, type WorkerInfo} from './registry.js'
import {decode, decodeValue, encodeValue, type WireBatch, type WireJob, type WirePath, type WireMessage} from './wire.js'

export interface ClusterWorkerOptions {
  readonly url: string
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
  readonly name?: string
  /** where code is unpacked (default $RAYTS_HOME/cluster-cache) */
  readonly cacheDir?: string
}

interface Running {
  readonly sid: string
  readonly inst: number
  readonly attempt: number
  readonly done: (o: JobOutcome) => void
  /** no start message (a later job of a batch) */
  readonly quiet: boolean
}

export class ClusterWorker {
  readonly id: string
  readonly name: string
  private readonly redis: RedisClient
  private readonly sub: RedisClient
  private readonly outbox: Outbox
  private readonly local: Executor
  private readonly gate: ResourceGate
  private readonly cacheDir: string
  private readonly code = new Map<string, Promise<string>>()
  private readonly running = new Map<number, Running>()
  private readonly deadSessions = new Set<string>()
  private bull: Worker | undefined
  private nextLocal = 1
  private completed = 0
  private lastCompleted = 0
  private lastBeat = Date.now()
  private rate = 0
  private beats = 0
  private timer: NodeJS.Timeout | undefined
  private readonly startedMs = Date.now()
  private stopping = false

  constructor(private readonly o: ClusterWorkerOptions) {
    this.id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
    this.name = o.name ?? `${hostname()}-${process.pid}`
    this.redis = connect(o.url, {name: `rayts-worker-${this.id}`})
    defineDeliver(this.redis)
    this.sub = connect(o.url, {name: `rayts-worker-${this.id}-sub`})
    this.outbox = new Outbox(this.redis)
    this.gate = new ResourceGate({cpu: o.numCpus, ...o.resources})
    this.cacheDir = o.cacheDir ?? join(raytsHome(), 'cluster-cache')
    this.local = createLocalExecutor(this.localSink())
  }

  async start(): Promise<void> {
    ensurePrivateDir(this.cacheDir)
    await this.sub.subscribe(CANCEL_CHANNEL)
    this.sub.on('message', (_channel: string, text: string) => this.onCancel(text))
    await this.beat()
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS)
    this.bull = new Worker(QUEUE, (job, token) => this.process(job, token), {
      connection: this.redis,
      concurrency: Math.max(1, Math.floor(this.o.numCpus)),
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 0,
    })
    this.bull.on('error', () => {})
  }

  /** stop taking jobs; running ones are abandoned (BullMQ's stall check reruns them elsewhere) */
  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    await this.bull?.close(true).catch(() => {})
    await this.local.close()
    await removeWorker(this.redis, this.id).catch(() => {})
    this.sub.disconnect()
    this.redis.disconnect()
  }

  private async process(job: BullJob<{b: string}>, token: string | undefined): Promise<void> {
    const batch = decode<WireBatch>(Buffer.from(job.data.b, 'base64'))
    const demand = demandOfNeeds(batch)
    if (this.gate.neverFits(demand) !== null) {
      // not for this worker: back to the queue for one that fits
      await job.moveToDelayed(Date.now() + 200, token)
      throw new DelayedError()
    }
    const todo = await this.stillWanted(batch)
    if (todo.length === 0) return
    const dir = await this.codeDir(batch.code)
    const jobs = await Promise.all(todo.map((w) => this.toLocal(w, dir)))
    await this.gate.acquire(demand)
    try {
      await this.runLocal(batch.sid, jobs)
      await this.outbox.flush()
    } finally {
      this.gate.release(demand)
    }
  }

  /** the jobs whose session is alive and whose attempt has no outcome yet */
  private async stillWanted(batch: WireBatch): Promise<WireJob[]> {
    if (this.deadSessions.has(batch.sid)) return []
    const p = this.redis.pipeline().exists(aliveKey(batch.sid))
    for (const j of batch.jobs) p.exists(doneKey(batch.sid, j.inst, j.attempt))
    const rows = (await p.exec()) ?? []
    if (rows[0]?.[1] !== 1) return []
    return batch.jobs.filter((_, i) => rows[i + 1]?.[1] === 0)
  }

  private codeDir(sha: string): Promise<string> {
    let p = this.code.get(sha)
    if (!p) {
      p = (async () => {
        const have = cachedCode(this.cacheDir, sha)
        if (have) return have
        const bytes = await this.redis.getBuffer(codeKey(sha))
        if (!bytes) throw new Error(`the run's code (${sha.slice(0, 12)}) is not in Redis`)
        return unpackInto(this.cacheDir, sha, bytes)
      })()
      p.catch(() => this.code.delete(sha))
      this.code.set(sha, p)
    }
    return p
  }

  private async toLocal(w: WireJob, dir: string): Promise<{wire: WireJob; job: Job}> {
    const at = (p: WirePath): string => ('rel' in p ? join(dir, p.rel) : p.abs)
    const inst = this.nextLocal++
    const base = {inst, attempt: w.attempt, name: w.name, timeout: w.timeout, env: w.env, cwd: at(w.cwd)}
    if (w.kind === 'cmd') return {wire: w, job: {...base, kind: 'cmd', command: w.command, stdin: w.stdin, output: w.output}}
    const args = (await decodeValue(this.redis, w.args)) as unknown[]
    return {
      wire: w,
      job: {...base, kind: 'fn', module: at(w.module), export: w.export, args, numReturns: w.numReturns, maxCalls: w.maxCalls},
    }
  }

  private runLocal(sid: string, jobs: readonly {wire: WireJob; job: Job}[]): Promise<void> {
    return new Promise((resolve) => {
      let left = jobs.length
      const done = (): void => {
        if (--left === 0) resolve()
      }
      jobs.forEach(({wire, job}, i) => this.running.set(job.inst, {sid, inst: wire.inst, attempt: wire.attempt, done, quiet: i > 0 && job.kind === 'fn'}))
      const local = jobs.map((j) => j.job)
      if (local[0]!.kind === 'fn') this.local.submit(local)
      else for (const j of local) this.local.submit([j])
    })
  }

  private localSink(): ExecutorSink {
    const send = (r: Running, m: WireMessage, once: boolean, before?: Promise<unknown>): void => {
      if (this.stopping) return
      this.outbox.push(r.sid, {once: once ? doneKey(r.sid, r.inst, r.attempt) : '', message: m}, before)
    }
    return {
      started: (inst, _attempt, pid) => {
        const r = this.running.get(inst)
        // in a batch of short fn jobs only the first start is sent (the others are derived
        // from their outcomes): if this worker dies mid-batch, the rest are queued again
        if (r && !r.quiet) send(r, {k: 's', inst: r.inst, attempt: r.attempt, pid, worker: this.name}, false)
      },
      log: (inst, _attempt, stream, text) => {
        const r = this.running.get(inst)
        if (r) send(r, {k: 'l', inst: r.inst, attempt: r.attempt, stream, text}, false)
      },
      done: (o) => {
        const r = this.running.get(o.inst)
        if (!r) return
        this.running.delete(o.inst)
        this.completed++
        const micros = Math.max(0, o.endedAt - o.startedAt)
        const head = {k: 'd' as const, inst: r.inst, attempt: r.attempt, pid: o.pid, micros}
        if (!o.ok) send(r, {...head, error: o.error}, true)
        else {
          try {
            const v = encodeValue(o.value)
            const before = v.store ? this.redis.set(v.store.key, v.store.bytes, 'EX', 24 * 3600) : undefined
            send(r, {...head, value: v.wire}, true, before)
          } catch (error) {
            send(r, {...head, error: {kind: 'error', name: 'DataCloneError', message: `the result cannot be sent: ${(error as Error).message}`}}, true)
          }
        }
        r.done(o)
      },
      event: () => {},
    }
  }

  private onCancel(text: string): void {
    let msg: {sid?: string; inst?: number; attempt?: number}
    try {
      msg = JSON.parse(text) as typeof msg
    } catch {
      return
    }
    if (!msg.sid) return
    if (msg.inst === undefined) this.deadSessions.add(msg.sid)
    for (const [local, r] of this.running) {
      if (r.sid === msg.sid && (msg.inst === undefined || (r.inst === msg.inst && r.attempt === msg.attempt))) this.local.cancel(local)
    }
  }

  private async beat(): Promise<void> {
    const now = Date.now()
    this.rate = ((this.completed - this.lastCompleted) * 1000) / Math.max(1, now - this.lastBeat)
    this.lastCompleted = this.completed
    this.lastBeat = now
    const info: WorkerInfo = {
      id: this.id,
      name: this.name,
      host: hostname(),
      pid: process.pid,
      capacity: this.gate.capacity,
      used: this.gate.used(),
      running: this.running.size,
      completed: this.completed,
      rate: this.rate,
      startedMs: this.startedMs,
      beatMs: now,
    }
    await publishHeartbeat(this.redis, info).catch(() => {})
    if (++this.beats % 5 === 0) await this.dropOrphans()
  }

  /** a coordinator that died (kill -9) stops refreshing its alive key: stop its tasks */
  private async dropOrphans(): Promise<void> {
    const sids = [...new Set([...this.running.values()].map((r) => r.sid))]
    for (const sid of sids) {
      if ((await this.redis.exists(aliveKey(sid)).catch(() => 1)) === 0) this.onCancel(JSON.stringify({sid}))
    }
  }
}
