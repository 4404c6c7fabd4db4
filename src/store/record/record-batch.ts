// One flush of a run's writer (record-writer.ts): the events applied in order inside one
// transaction, then the flush's coalesced writes. Everything a flush changes lives in its
// batch: when the transaction rolls back, the writer drops the batch and replays its events
// in the next one, from the position the last committed batch left.
import {hostname} from 'node:os'
import type {EventOf, InstanceInfo, RunEvent, RunState, TaskFailure} from '../../core/events.js'
import type {Store} from '../db.js'
import {EventBlock} from './event-block.js'
import {type InstanceStatements, InstanceWrites} from './instance-writes.js'
import type {RunMeta} from '../query/meta.js'
import {processStartTime} from '../upkeep/processes.js'
import type {PendingEvent} from './record-writer.js'
import type {RecordStatements} from './record-statements.js'
import {runBlobDir, writeValueFile} from '../values.js'

type Row = Record<string, unknown>

/** what a run's writer keeps for all its flushes */
export class RunRecord {
  readonly host = hostname()
  /** instance names by index: a replayed event sets the same ones again */
  readonly names: string[] = []
  /** when each instance's current attempt was handed to the executor (for its attempt row) */
  readonly handedAt: number[] = []

  constructor(
    readonly store: Store,
    readonly q: RecordStatements,
    readonly instanceStatements: InstanceStatements,
    readonly meta: RunMeta,
    readonly pid: number,
  ) {}

  nameOf(inst: number): string {
    return this.names[inst] ?? `#${inst}`
  }
}

/** where the run's rows stand after a committed flush */
export interface RecordPosition {
  /** null until a run-start is written */
  readonly runId: string | null
  readonly session: number
  /** the last `events` row's seq */
  readonly seq: number
  /** the next instance's `ord` */
  readonly ord: number
}

export const START_POSITION: RecordPosition = {runId: null, session: 0, seq: 0, ord: 0}

/** the events that change an instance only through its pending hot state (instance-writes.ts), and those that touch no instance row */
const FOLDABLE = new Set<RunEvent['type']>(['ready', 'start', 'succeeded', 'added', 'expanded', 'log', 'worker-start', 'worker-exit', 'process-group'])

const errJson = (e: TaskFailure | null): string | null => (e ? JSON.stringify(e) : null)

export class RecordBatch implements RecordPosition {
  runId: string | null
  session: number
  seq: number
  ord: number
  private endState: RunState | null = null
  private readonly instances: InstanceWrites
  private readonly block = new EventBlock()
  // The run-start's instances are inserted when the first event that needs their rows comes,
  // or at the end of the batch: the run-start is flushed a microtask later, so the roots'
  // `ready` events of the same turn are folded into the insert (100k pending rows then 100k
  // `ready` updates were the largest write of a wide run).
  private uninserted: readonly InstanceInfo[] | null = null
  // Instances added during the run (a library call, a dynamic fan-out) wait for the end of the
  // batch too, with their `ord`: a call that ends within the flush it was made in is then
  // inserted with its result, one write instead of an insert and an update (the lesson's
  // session, 100 calls a round: ~4 of the runner's ~20 µs a task spent recording).
  private added: {readonly ord: number; readonly list: readonly InstanceInfo[]}[] = []

  constructor(private readonly run: RunRecord, from: RecordPosition) {
    this.runId = from.runId
    this.session = from.session
    this.seq = from.seq
    this.ord = from.ord
    this.instances = new InstanceWrites(run.instanceStatements)
  }

  /** where this batch leaves the run's rows, once its transaction has committed */
  get position(): RecordPosition {
    return {runId: this.runId, session: this.session, seq: this.seq, ord: this.ord}
  }

  apply(p: PendingEvent): void {
    const e = p.event
    const {q, names} = this.run
    if (e.type === 'run-start') {
      this.insertAdded()
      this.start(e)
    }
    const id = this.runId
    if (id === null) return // events before run-start have no run to belong to
    const session = this.session
    const instances = this.instances
    this.block.add(e)
    if (this.uninserted !== null && e.type !== 'ready' && e.type !== 'run-start') this.insertStarted()
    // what follows the common three (ready, start, succeeded) may write to an added row
    if (this.added.length > 0 && !FOLDABLE.has(e.type)) this.insertAdded()
    switch (e.type) {
      case 'ready':
        instances.ready(this.run.nameOf(e.inst))
        return
      case 'start':
        this.run.handedAt[e.inst] = e.t
        instances.running(this.run.nameOf(e.inst), e.attempt, e.pid, e.t)
        return
      case 'succeeded': {
        const enc = p.encoded
        if (enc?.fileBytes && enc.file) writeValueFile(runBlobDir(this.run.store.blobDir, id), enc.file, enc.fileBytes)
        const name = this.run.nameOf(e.inst)
        instances.succeeded(name, {
          attempt: e.attempt,
          pid: e.pid,
          startedAt: e.startedAt,
          t: e.t,
          error: p.valueError ? {kind: 'error', name: 'StoreError', message: p.valueError} : null,
          value: enc?.inline ?? null,
          file: enc?.file ?? null,
          has: enc !== null,
          cached: e.cached !== undefined,
        })
        if (e.attempt > 1) q.attempt.run(id, session, name, e.attempt, e.pid, this.run.handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'succeeded', null)
        return
      }
      case 'expanded':
      case 'added':
        for (const i of e.instances) names[i.idx] = i.name
        this.added.push({ord: this.ord, list: e.instances})
        this.ord += e.instances.length
        return
      case 'log':
        q.log.run(id, session, this.run.nameOf(e.inst), e.attempt, e.stream, e.t, e.text)
        return
      case 'process-group':
        q.pgroup.run(id, e.pgid, p.procStart, this.run.nameOf(e.inst), e.attempt, e.alive ? 1 : 0)
        return
      case 'worker-start':
        q.worker.run(id, e.pid, p.procStart, 1)
        return
      case 'worker-exit':
        q.worker.run(id, e.pid, null, 0)
        return
      default:
        break
    }
    // the rarer changes of an instance: its pending hot state is written before them
    switch (e.type) {
      case 'attempt-failed': {
        const name = this.run.nameOf(e.inst)
        instances.settle(id, session, name)
        q.attempt.run(id, session, name, e.attempt, e.pid, this.run.handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'failed', errJson(e.error))
        q.instAttemptFailed.run(e.retryAt === null ? 'running' : 'retrying', errJson(e.error), e.startedAt, e.t, id, name)
        break
      }
      case 'failed':
        instances.settle(id, session, this.run.nameOf(e.inst))
        q.instFinal.run('failed', errJson(e.error), e.t, id, this.run.nameOf(e.inst))
        break
      case 'skipped': {
        const because = this.run.nameOf(e.because)
        const error: TaskFailure = {kind: 'skipped', name: 'SkippedError', message: `skipped because ${because} failed`}
        instances.settle(id, session, this.run.nameOf(e.inst))
        q.instFinal.run('skipped', errJson(error), e.t, id, this.run.nameOf(e.inst))
        break
      }
      case 'cancelled':
        instances.settle(id, session, this.run.nameOf(e.inst))
        q.instFinal.run('cancelled', null, e.t, id, this.run.nameOf(e.inst))
        break
      case 'cancelled-rest':
        // the hot states first (what succeeded stays succeeded, a running attempt keeps its
        // pid and start), but not `ready` ones: the cancel overwrites them
        instances.dropReady()
        instances.flush(id, session)
        q.cancelRest.run(e.t, id)
        break
      case 'run-end':
        this.endState = e.state
        break
      default:
        break
    }
  }

  /** the flush's coalesced writes, after its events were applied in order */
  finish(): void {
    const id = this.runId
    if (id === null) return
    this.insertStarted()
    this.insertAdded()
    this.instances.flush(id, this.session)
    const json = this.block.take()
    if (json !== null) this.run.q.event.run(id, ++this.seq, this.session, json)
    if (this.endState !== null) this.run.q.runEnd.run(this.endState, Date.now(), Date.now(), id)
  }

  /** the run's row, new or started again (--resume), and where its rows continue */
  private start(e: EventOf<'run-start'>): void {
    const {q, meta, pid, host, names} = this.run
    const id = e.runId
    const existing = q.runGet.get(id) as Row | undefined
    this.runId = id
    this.session = existing ? Number(existing.session) + 1 : 1
    this.seq = Number((q.maxSeq.get(id) as Row).s)
    this.ord = Number((q.countInst.get(id) as Row).n)
    const row = {
      id,
      graph: e.graph,
      file: e.file,
      pid,
      pidStart: processStartTime(pid),
      host,
      session: this.session,
      wall: e.wallMs,
      now: Date.now(),
      t0: e.t,
      capacity: JSON.stringify(e.capacity),
      outputs: JSON.stringify(e.outputs),
      meta: JSON.stringify(meta),
    }
    if (existing) q.runRestart.run(row)
    else q.runInsert.run(row)
    for (const i of e.instances) names[i.idx] = i.name
    this.uninserted = e.instances
  }

  private insertAdded(): void {
    const added = this.added
    if (added.length === 0) return
    this.added = []
    for (const {ord, list} of added) this.instances.insert(this.runId!, this.session, ord, list, true)
  }

  private insertStarted(): void {
    const list = this.uninserted
    if (list === null) return
    this.uninserted = null
    // (their names were set by start(), which alone fills `uninserted`)
    this.instances.insert(this.runId!, this.session, this.ord, list, true)
    this.ord += list.length
  }
}
