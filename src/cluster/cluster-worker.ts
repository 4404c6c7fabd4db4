// `rayts worker`: joins a cluster, takes batches from the BullMQ queue and runs them on its
// own local pool (createLocalExecutor: max_calls, process groups, timeouts, logs). BullMQ
// concurrency = its CPU slots; each batch also waits on the worker's own resource gate, and
// a batch that could never fit this worker is handed back (delayed) for another one.
// Right before a batch starts, its session must be alive long enough (session.ts): a job
// of a run that ended, or gave up on Redis, is dropped, never started.
import {randomBytes} from 'node:crypto'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {DelayedError, Worker, type Job as BullJob} from 'bullmq'
import {createLocalExecutor} from '../executor/index.js'
import type {Executor, ExecutorSink, Job, JobOutcome} from '../executor/types.js'
import {ensurePrivateDir, raytsHome} from '../core/home.js'
import {cachedCode, unpackInto} from './code-pack.js'
import {defineDeliver} from './deliver.js'
import {ResourceGate} from './gate.js'
import {
  CANCEL_CHANNEL,
  CLOSE_GRACE_MS,
  codeKey,
  doneKey,
  HEARTBEAT_EVERY_MS,
  LOCK_DURATION_MS,
  QUEUE,
  SHORT_PREFETCH,
  SHORT_QUEUE,
  STALLED_INTERVAL_MS,
} from './keys.js'
import {bounded, RedisLink} from './link.js'
import {demandOfNeeds} from './needs.js'
import {Outbox} from './outbox.js'
import {connect, type RedisClient} from './redis.js'
import {publishHeartbeat, removeWorker, type WorkerInfo} from './registry.js'
import {sessionState} from './session.js'
import {decode, decodeLocalValue, decodeValue, isLocalValue, type WireBatch, type WireJob, type WirePath, type WireMessage} from './wire.js'

export interface ClusterWorkerOptions {
  readonly url: string
  readonly numCpus: number
  readonly resources: Readonly<Record<string, number>>
  readonly name?: string
  /** where code is unpacked (default $RAYTS_HOME/cluster-cache) */
  readonly cacheDir?: string
  /** lines for the user: Redis lost (the worker keeps retrying) and back */
  readonly notice?: (line: string) => void
  /** the URL as printed (no password) */
  readonly printable?: string
  readonly lostAfterMs?: number
}

/** what a session must have left, beyond the round trip that told it, for a job to start */
const START_MARGIN_MS = 500

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
  private bullShort: Worker | undefined
  private nextLocal = 1
  private completed = 0
  private lastCompleted = 0
  private lastBeat = Date.now()
  private rate = 0
  private timer: NodeJS.Timeout | undefined
  private readonly startedMs = Date.now()
  private stopping = false
  private readonly link: RedisLink
  private beating = false

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
    this.link = new RedisLink(o.lostAfterMs)
  }

  async start(): Promise<void> {
    ensurePrivateDir(this.cacheDir)
    await this.sub.subscribe(CANCEL_CHANNEL)
    this.sub.on('message', (_channel: string, text: string) => this.onCancel(text))
    await this.beat()
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS)
    const slots = Math.max(1, Math.floor(this.o.numCpus))
    const options = {connection: this.redis, lockDuration: LOCK_DURATION_MS, stalledInterval: STALLED_INTERVAL_MS, maxStalledCount: 0}
    this.bull = new Worker(QUEUE, (job, token) => this.process(job, token), {...options, concurrency: slots})
    this.bull.on('error', () => {})
    // batches of short jobs: taken ahead (decoded and checked while another runs)
    this.bullShort = new Worker(SHORT_QUEUE, (job, token) => this.process(job, token), {...options, concurrency: slots * SHORT_PREFETCH})
    this.bullShort.on('error', () => {})
  }

  /**
   * Stop taking jobs; running ones are abandoned (BullMQ's stall check reruns them elsewhere).
   * Waits on Redis at most ~2 × CLOSE_GRACE_MS; with Redis gone, BullMQ's connections may
   * still be retrying afterwards: the caller exits the process.
   */
  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    const closed = Promise.all([this.bull?.close(true), this.bullShort?.close(true)])
    await Promise.all([bounded(closed, CLOSE_GRACE_MS).catch(() => {}), this.local.close()])
    await bounded(removeWorker(this.redis, this.id), CLOSE_GRACE_MS).catch(() => {})
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
    const wanted = await this.stillWanted(batch)
    if (wanted === null) return
    const dir = await this.codeDir(batch.code)
    const jobs: {wire: WireJob; job: Job}[] = []
    for (const w of wanted.jobs) {
      const local = this.toLocal(w, dir)
      jobs.push('then' in local ? await local : local)
    }
    await this.gate.acquire(demand)
    try {
      // the batch may have waited (prefetched, or for the gate) past what we knew of its session
      if (performance.now() + START_MARGIN_MS >= wanted.until && (await this.sessionAlive(batch.sid, [])) === null) return
      if (this.deadSessions.has(batch.sid) || this.stopping) return
      await this.runLocal(batch.sid, jobs)
    } finally {
      this.gate.release(demand)
    }
    // the BullMQ job completes once its outcomes are in Redis
    await this.outbox.flush()
  }

  /** the jobs whose attempt has no outcome yet, and until when their session is alive; null: none */
  private async stillWanted(batch: WireBatch): Promise<{jobs: WireJob[]; until: number} | null> {
    const alive = await this.sessionAlive(batch.sid, batch.jobs.map((j) => doneKey(batch.sid, j.inst, j.attempt)))
    if (alive === null) return null
    const jobs = batch.jobs.filter((_, i) => !alive.done[i])
    return jobs.length > 0 ? {jobs, until: alive.until} : null
  }

  /**
   * Until when (performance.now()) the session is surely alive, counted from when we asked
   * (Redis answered later), and which of `doneKeys` are set; null if it is over. An answer
   * that came back too late to leave START_MARGIN_MS is asked again. Only an ended session
   * is remembered as dead: a missing key may be a Redis that restarted empty, which the
   * run's next heartbeat fills again.
   */
  private async sessionAlive(sid: string, doneKeys: readonly string[]): Promise<{until: number; done: readonly boolean[]} | null> {
    for (;;) {
      if (this.deadSessions.has(sid) || this.stopping) return null
      const asked = performance.now()
      const state = await sessionState(this.redis, sid, doneKeys)
      if (state.leftMs === 0) {
        if (state.ended) this.deadSessions.add(sid)
        return null
      }
      const until = asked + state.leftMs
      if (performance.now() + START_MARGIN_MS < until) return {until, done: state.done}
    }
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

  private readonly joined = new Map<string, string>()

  private at(dir: string, p: WirePath): string {
    if (!('rel' in p)) return p.abs
    const key = dir + '\0' + p.rel
    let path = this.joined.get(key)
    if (path === undefined) {
      if (this.joined.size > 10_000) this.joined.clear()
      this.joined.set(key, (path = join(dir, p.rel)))
    }
    return path
  }

  /** synchronous unless an argument must be read from Redis */
  private toLocal(w: WireJob, dir: string): {wire: WireJob; job: Job} | Promise<{wire: WireJob; job: Job}> {
    // object literals spelled out: a spread costs microseconds per job
    const inst = this.nextLocal++
    const cwd = this.at(dir, w.cwd)
    if (w.kind === 'cmd') {
      return {wire: w, job: {kind: 'cmd', inst, attempt: w.attempt, name: w.name, timeout: w.timeout, env: w.env, cwd, command: w.command, stdin: w.stdin, output: w.output}}
    }
    const module = this.at(dir, w.module)
    const make = (args: unknown): {wire: WireJob; job: Job} => ({
      wire: w,
      job: {kind: 'fn', inst, attempt: w.attempt, name: w.name, timeout: w.timeout, env: w.env, cwd, module, export: w.export, args: args as unknown[], numReturns: w.numReturns, maxCalls: w.maxCalls},
    })
    return isLocalValue(w.args) ? make(decodeLocalValue(w.args)) : decodeValue(this.redis, w.args).then(make)
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
    const send = (r: Running, m: WireMessage, once: boolean): void => {
      if (this.stopping) return
      this.outbox.push(r.sid, {once: once ? doneKey(r.sid, r.inst, r.attempt) : '', message: m})
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
        // the value as itself: deliver() encodes the list once (big values on their own)
        if (!o.ok) send(r, {k: 'd', inst: r.inst, attempt: r.attempt, pid: o.pid, micros, error: o.error}, true)
        else send(r, {k: 'd', inst: r.inst, attempt: r.attempt, pid: o.pid, micros, value: {raw: o.value}}, true)
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
    this.watchLink()
    // a beat that waits on a lost Redis is not repeated (ioredis would queue them all)
    if (this.beating) return
    this.beating = true
    try {
      await this.beatOnce()
    } finally {
      this.beating = false
    }
  }

  private watchLink(): void {
    const where = this.o.printable ? ` at ${this.o.printable}` : ''
    if (this.link.justLost()) {
      this.o.notice?.(`rayts worker ${this.name}: lost the connection to Redis${where} (no answer for ${Math.round(this.link.silentForMs() / 1000)} s); still retrying, Ctrl-C to leave`)
    } else if (this.link.justBack()) {
      this.o.notice?.(`rayts worker ${this.name}: Redis${where} is back`)
    }
  }

  private async beatOnce(): Promise<void> {
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
    await publishHeartbeat(this.redis, info).then(
      () => this.link.heard(),
      () => {},
    )
    this.watchLink()
    await this.dropOrphans()
  }

  /** a session that ended unheard (its coordinator killed -9 or gone with Redis): stop its tasks */
  private async dropOrphans(): Promise<void> {
    const sids = [...new Set([...this.running.values()].map((r) => r.sid))]
    for (const sid of sids) {
      const state = await sessionState(this.redis, sid, []).catch(() => null)
      if (state?.leftMs === 0) this.onCancel(JSON.stringify({sid}))
    }
  }
}
