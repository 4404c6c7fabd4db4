// The ClusterExecutor: the run process's side of cluster mode. Batches from rayts's own
// scheduler become BullMQ jobs (one job per batch: a batch of 64 no-op tasks costs one
// queue round trip); outcomes come back on the session's Redis stream, first writer wins.
// A BullMQ job whose worker died is failed by BullMQ's stall check (maxStalledCount 0,
// attempts 1): its running task is reported as a crash (rayts's max_retries decides), the
// tasks that had not started are queued again. Redis silent for LOST_AFTER_MS: every task
// in flight fails with ClusterLostError and onLost tells the run to stop. The session's
// alive key (session.ts) expires by then, so workers start none of its jobs afterwards.
import {randomBytes} from 'node:crypto'
import {Queue} from 'bullmq'
import type {CompiledGraph} from '../graph/model.js'
import type {Executor, ExecutorSink, Job} from '../executor/types.js'
import {nowMicros} from '../core/clock.js'
import type {TaskFailure} from '../core/events.js'
import {claimDone} from './deliver.js'
import {bullJobKey, CANCEL_CHANNEL, CLOSE_GRACE_MS, doneKey, HEARTBEAT_EVERY_MS, INLINE_LIMIT, LOST_AFTER_MS, QUEUE, RUN_TTL, SHORT_QUEUE, streamKey} from './keys.js'
import {bounded, RedisLink} from './link.js'
import {needsOf, taskOfName} from './needs.js'
import {connect, type RedisClient} from './redis.js'
import {beatSession, defineBeat, endSession} from './session.js'
import {toWire, WirePaths} from './to-wire.js'
import {decode, decodeLocalValue, decodeValue, encode, isLocalValue, type EncodedValue, type WireBatch, type WireMessage} from './wire.js'

export interface ClusterExecutorOptions {
  readonly url: string
  readonly graph: CompiledGraph
  readonly runId: string
  /** the packed code folder (already in Redis) */
  readonly code: {readonly sha: string; readonly root: string}
  /** Redis did not answer for LOST_AFTER_MS: the tasks in flight have failed; stop the run */
  readonly onLost?: (message: string) => void
  /** the URL as printed (no password) */
  readonly printable?: string
  readonly lostAfterMs?: number
}

interface InFlight {
  readonly job: Job
  batch: string
  readonly submittedAt: number
  startedAt?: number
  worker?: string
}

interface BatchRecord {
  readonly id: string
  /** the BullMQ queue it went to */
  queue: string
  readonly insts: number[]
  added: boolean
  goneSince?: number
}

const RECONCILE_MS = 1000
/** a finished BullMQ job whose outcomes have not all arrived is given up after this */
const GONE_GRACE_MS = 3000

const CANCELLED: TaskFailure = {kind: 'cancelled', name: 'CancelledError', message: 'cancelled'}

export function createClusterExecutor(sink: ExecutorSink, options: ClusterExecutorOptions): Executor {
  return new ClusterExecutor(sink, options)
}

class ClusterExecutor implements Executor {
  readonly sid: string
  private readonly redis: RedisClient
  private readonly reader: RedisClient
  private readonly queue: Queue
  private readonly shortQueue: Queue
  private readonly paths: WirePaths
  private readonly inflight = new Map<number, InFlight>()
  private readonly batches = new Map<string, BatchRecord>()
  private toAdd: {rec: BatchRecord; data: {b: string}}[] = []
  private stores: NonNullable<EncodedValue['store']>[] = []
  private flushing: Promise<void> = Promise.resolve()
  private flushQueued = false
  private seq = 0
  private closed = false
  private closing: Promise<void> | null = null
  private readonly timers: NodeJS.Timeout[] = []
  private readonly reading: Promise<void>
  private readonly link: RedisLink
  /** set once Redis was lost: every job still or later submitted fails with it */
  private lostError: TaskFailure | undefined
  private readonly lostAfterMs: number
  /** Redis's clock minus ours (ms), at most: measured on each heartbeat's reply */
  private clockOffsetMs = 0
  /** the first heartbeat's reply: the session exists in Redis before any of its jobs */
  private readonly sessionUp: Promise<void>
  private beating = false

  constructor(
    private readonly sink: ExecutorSink,
    private readonly o: ClusterExecutorOptions,
  ) {
    this.sid = `${o.runId}-${randomBytes(4).toString('hex')}`
    this.redis = connect(o.url, {name: `rayts-run-${this.sid}`})
    this.reader = connect(o.url, {name: `rayts-run-${this.sid}-reader`})
    this.queue = new Queue(QUEUE, {connection: this.redis})
    this.queue.on('error', () => {})
    this.shortQueue = new Queue(SHORT_QUEUE, {connection: this.redis})
    this.shortQueue.on('error', () => {})
    this.paths = new WirePaths(o.code.root)
    this.lostAfterMs = o.lostAfterMs ?? LOST_AFTER_MS
    this.link = new RedisLink(this.lostAfterMs)
    defineBeat(this.redis)
    this.sessionUp = this.beat(true)
    this.timers.push(setInterval(() => void this.beat(false), HEARTBEAT_EVERY_MS))
    this.timers.push(setInterval(() => void this.reconcile(), RECONCILE_MS))
    this.timers.push(setInterval(() => this.watchLink(), 1000))
    this.reading = this.readLoop()
  }

  submit(batch: readonly Job[]): void {
    if (this.closed || batch.length === 0) return
    if (this.lostError) {
      const error = this.lostError
      setImmediate(() => {
        const t = nowMicros()
        for (const job of batch) if (!this.closed) this.sink.done({inst: job.inst, attempt: job.attempt, pid: null, startedAt: t, endedAt: t, ok: false, error})
      })
      return
    }
    const now = nowMicros()
    const rec = this.newRecord()
    for (const job of batch) {
      this.inflight.set(job.inst, {job, batch: rec.id, submittedAt: now})
      rec.insts.push(job.inst)
    }
    this.enqueue(rec, batch)
  }

  cancel(inst: number): void {
    const f = this.inflight.get(inst)
    if (!f || this.closed || this.lostError) return
    void (async () => {
      const first = await claimDone(this.redis, doneKey(this.sid, inst, f.job.attempt)).catch(() => false)
      if (first && this.inflight.get(inst) === f) {
        this.inflight.delete(inst)
        const t = nowMicros()
        if (!this.closed) this.sink.done({inst, attempt: f.job.attempt, pid: null, startedAt: f.startedAt ?? t, endedAt: t, ok: false, error: CANCELLED})
      }
      await this.redis.publish(CANCEL_CHANNEL, JSON.stringify({sid: this.sid, inst, attempt: f.job.attempt})).catch(() => 0)
    })()
  }

  /**
   * The session's heartbeat: its alive key lives until we would give up on a silent Redis.
   * A beat Redis refuses (it ran it past that deadline, or the session was ended) means the
   * workers drop our jobs: the run has lost Redis, even if Redis answers again.
   */
  private async beat(first: boolean): Promise<void> {
    if (this.closed || this.lostError || this.beating) return
    this.beating = true
    const silentMs = this.link.silentForMs()
    const deadline = first ? 0 : Date.now() - silentMs + this.lostAfterMs + this.clockOffsetMs
    try {
      const reply = await beatSession(this.redis, this.sid, deadline, this.lostAfterMs)
      // Redis ran it before we got the reply: this offset is at most the real one
      this.clockOffsetMs = reply.redisMs - Date.now()
      if (!reply.alive) this.declareLost(Math.max(silentMs, this.link.silentForMs()))
      else this.link.heard()
    } catch {
      // Redis unreachable for now: the link's silence tells
    } finally {
      this.beating = false
    }
  }

  /** tells the workers and drops queued jobs if Redis answers within CLOSE_GRACE_MS; never waits longer */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true
      for (const t of this.timers) clearInterval(t)
      const tell = (): Promise<unknown> => Promise.all([endSession(this.redis, this.sid), this.redis.publish(CANCEL_CHANNEL, JSON.stringify({sid: this.sid}))])
      const polite = async (): Promise<void> => {
        await this.flushing.catch(() => {})
        await tell()
        // jobs still waiting in the queue: drop them (running ones are locked: the workers stop them)
        await Promise.all([...this.batches.values()].map((r) => (r.queue === SHORT_QUEUE ? this.shortQueue : this.queue).remove(r.id).catch(() => 0)))
      }
      // Redis gone: the alive key has expired (workers start none of our jobs); the end
      // is sent all the same, for a Redis that is only hung, so that it stops what runs
      if (!this.lostError) await bounded(polite(), CLOSE_GRACE_MS).catch(() => {})
      else void tell().catch(() => {})
      // disconnecting rejects whatever still waits on Redis (ioredis's offline queue)
      this.reader.disconnect()
      this.redis.disconnect()
      await bounded(Promise.all([this.reading, this.queue.close(), this.shortQueue.close()]), 200).catch(() => {})
    })()
    return this.closing
  }

  /** Redis silent past the bound: fail what is in flight (nothing can come back) and say so */
  private watchLink(): void {
    if (this.closed || this.lostError || !this.link.justLost()) return
    this.declareLost(this.link.silentForMs())
  }

  private declareLost(silentMs: number): void {
    if (this.closed || this.lostError) return
    const seconds = Math.round(silentMs / 1000)
    const message = `lost the connection to Redis${this.o.printable ? ` at ${this.o.printable}` : ''}: no answer for ${seconds} s`
    this.lostError = {kind: 'error', name: 'ClusterLostError', message}
    const t = nowMicros()
    for (const f of [...this.inflight.values()]) {
      this.finish(f)
      this.sink.done({inst: f.job.inst, attempt: f.job.attempt, pid: null, startedAt: f.startedAt ?? t, endedAt: t, ok: false, error: this.lostError})
    }
    this.o.onLost?.(message)
  }

  private newRecord(): BatchRecord {
    const rec: BatchRecord = {id: `${this.sid}-${++this.seq}`, queue: QUEUE, insts: [], added: false}
    this.batches.set(rec.id, rec)
    return rec
  }

  private enqueue(rec: BatchRecord, jobs: readonly Job[]): void {
    const task = taskOfName(this.o.graph, jobs[0]!.name)
    const needs = task ? needsOf(task) : {numCpus: 1, resources: {}}
    const head = {sid: this.sid, code: this.o.code.sha, numCpus: needs.numCpus, resources: needs.resources}
    // arguments as themselves in one serialization of the batch; if that is too big (or
    // fails), each argument on its own, the big ones stored once under their hash
    let bytes: Buffer | undefined
    try {
      bytes = encode({...head, jobs: jobs.map((j) => toWire(this.paths, j, null))} satisfies WireBatch)
      if (bytes.length > INLINE_LIMIT) bytes = undefined
    } catch {
      bytes = undefined
    }
    bytes ??= encode({...head, jobs: jobs.map((j) => toWire(this.paths, j, this.stores))} satisfies WireBatch)
    // several jobs in a batch: the scheduler measured them short (see SHORT_QUEUE)
    rec.queue = jobs.length > 1 ? SHORT_QUEUE : QUEUE
    this.toAdd.push({rec, data: {b: bytes.toString('base64')}})
    if (!this.flushQueued) {
      this.flushQueued = true
      // the scheduler submits many batches in one turn: one addBulk for all of them
      setImmediate(() => {
        this.flushQueued = false
        this.flushing = this.flushing.then(() => this.flush())
      })
    }
  }

  private async flush(): Promise<void> {
    const items = this.toAdd
    const stores = this.stores
    this.toAdd = []
    this.stores = []
    if (items.length === 0 || this.closed) return
    await this.sessionUp
    if (this.closed) return
    try {
      if (stores.length > 0) {
        const p = this.redis.pipeline()
        for (const s of stores) p.set(s.key, s.bytes, 'EX', RUN_TTL)
        await p.exec()
      }
      const bulk = (queue: string) =>
        items
          .filter(({rec}) => rec.queue === queue)
          .map(({rec, data}) => ({name: 'batch', data, opts: {jobId: rec.id, attempts: 1, removeOnComplete: true, removeOnFail: {age: 3600}}}))
      const long = bulk(QUEUE)
      const short = bulk(SHORT_QUEUE)
      await Promise.all([long.length > 0 ? this.queue.addBulk(long) : undefined, short.length > 0 ? this.shortQueue.addBulk(short) : undefined])
      for (const {rec} of items) rec.added = true
    } catch (error) {
      const message = `could not queue tasks on the cluster: ${(error as Error).message}`
      for (const {rec} of items) void this.giveUp(rec, {kind: 'crash', name: 'ClusterError', message})
    }
  }

  private async readLoop(): Promise<void> {
    const key = streamKey(this.sid)
    let last = '0'
    while (!this.closed) {
      let res: [Buffer, [Buffer, Buffer[]][]][] | null
      try {
        res = (await this.reader.xreadBuffer('COUNT', 2000, 'BLOCK', 1000, 'STREAMS', key, last)) as [Buffer, [Buffer, Buffer[]][]][] | null
        this.link.heard()
      } catch {
        if (this.closed) return
        await new Promise((r) => setTimeout(r, 200))
        continue
      }
      if (!res) continue
      for (const [, entries] of res) {
        for (const [id, fields] of entries) {
          last = id.toString()
          const list = fields[1]
          const kept = fields[3]?.toString() ?? ''
          if (!list) continue
          const messages = decode<WireMessage[]>(list)
          for (let i = 0; i < messages.length; i++) {
            if (kept[i] !== '1') continue
            const pending = this.onMessage(messages[i]!)
            if (pending) await pending
          }
        }
      }
    }
  }

  /** a promise only when a value must be read from Redis first */
  private onMessage(m: WireMessage): Promise<void> | undefined {
    const f = this.inflight.get(m.inst)
    if (!f || f.job.attempt !== m.attempt || this.closed) return
    if (m.k === 's') {
      if (f.startedAt !== undefined) return
      f.startedAt = nowMicros()
      f.worker = m.worker
      this.sink.started(m.inst, m.attempt, m.pid, f.startedAt)
    } else if (m.k === 'l') {
      this.sink.log(m.inst, m.attempt, m.stream, m.text)
    } else {
      if (m.error) this.ended(f, m, {ok: false, error: m.error})
      else if (!m.value || isLocalValue(m.value)) {
        let value: unknown
        try {
          value = m.value ? decodeLocalValue(m.value) : undefined
        } catch (error) {
          this.ended(f, m, {ok: false, error: {kind: 'crash', name: 'ClusterError', message: (error as Error).message}})
          return
        }
        this.ended(f, m, {ok: true, value})
      } else {
        return decodeValue(this.redis, m.value).then(
          (value) => this.ended(f, m, {ok: true, value}),
          (error: Error) => this.ended(f, m, {ok: false, error: {kind: 'crash', name: 'ClusterError', message: error.message}}),
        )
      }
    }
    return undefined
  }

  private ended(f: InFlight, m: Extract<WireMessage, {k: 'd'}>, outcome: {ok: true; value: unknown} | {ok: false; error: TaskFailure}): void {
    if (this.inflight.get(m.inst) !== f || this.closed) return
    const endedAt = nowMicros()
    const startedAt = Math.max(f.startedAt ?? f.submittedAt, endedAt - m.micros)
    this.finish(f)
    if (f.startedAt === undefined) this.sink.started(m.inst, m.attempt, m.pid, startedAt)
    this.sink.done({inst: m.inst, attempt: m.attempt, pid: m.pid, startedAt, endedAt, ...outcome})
  }

  private finish(f: InFlight): void {
    this.inflight.delete(f.job.inst)
    const rec = this.batches.get(f.batch)
    if (!rec) return
    const i = rec.insts.indexOf(f.job.inst)
    if (i >= 0) rec.insts.splice(i, 1)
    if (rec.insts.length === 0) this.batches.delete(rec.id)
  }

  /** BullMQ's view of the jobs: a stalled (worker lost) or vanished job is acted on */
  private reconciling = false
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return
    this.reconciling = true
    try {
      const recs = [...this.batches.values()].filter((r) => r.added)
      if (recs.length === 0) return
      const p = this.redis.pipeline()
      for (const r of recs) p.hmget(bullJobKey(r.id, r.queue), 'failedReason', 'finishedOn', 'timestamp')
      const rows = (await p.exec()) ?? []
      const now = Date.now()
      for (let i = 0; i < recs.length; i++) {
        const rec = recs[i]!
        const [failedReason, finishedOn, timestamp] = (rows[i]?.[1] ?? [null, null, null]) as (string | null)[]
        if (failedReason) await this.lost(rec, failedReason)
        else if (finishedOn !== null || timestamp === null) {
          rec.goneSince ??= now
          if (now - rec.goneSince > GONE_GRACE_MS) await this.lost(rec, 'its BullMQ job ended without reporting every task')
        }
      }
    } catch {
      // Redis unreachable for now: try again on the next tick
    } finally {
      this.reconciling = false
    }
  }

  private async lost(rec: BatchRecord, reason: string): Promise<void> {
    this.batches.delete(rec.id)
    const stalled = /stall/i.test(reason)
    const rerun: Job[] = []
    for (const inst of [...rec.insts]) {
      const f = this.inflight.get(inst)
      if (!f || f.batch !== rec.id) continue
      if (stalled && f.startedAt === undefined) rerun.push(f.job)
      else {
        const who = f.worker ? `worker ${f.worker}` : 'a worker'
        const message = stalled ? `${who} was lost while running it (no BullMQ lock renewal; host died or hung)` : `${who} failed the batch: ${reason}`
        await this.claimAndFail(f, {kind: 'crash', name: 'CrashError', message})
      }
    }
    if (rerun.length > 0 && !this.closed) {
      const again = this.newRecord()
      for (const job of rerun) {
        this.inflight.get(job.inst)!.batch = again.id
        again.insts.push(job.inst)
      }
      this.enqueue(again, rerun)
    }
  }

  private async giveUp(rec: BatchRecord, error: TaskFailure): Promise<void> {
    this.batches.delete(rec.id)
    for (const inst of [...rec.insts]) {
      const f = this.inflight.get(inst)
      if (f && f.batch === rec.id) await this.claimAndFail(f, error)
    }
  }

  /** report a failure the coordinator decided on, unless an outcome got there first */
  private async claimAndFail(f: InFlight, error: TaskFailure): Promise<void> {
    const first = await claimDone(this.redis, doneKey(this.sid, f.job.inst, f.job.attempt)).catch(() => true)
    if (!first || this.inflight.get(f.job.inst) !== f || this.closed) return
    this.finish(f)
    const t = nowMicros()
    this.sink.done({inst: f.job.inst, attempt: f.job.attempt, pid: null, startedAt: f.startedAt ?? t, endedAt: t, ok: false, error})
  }
}
