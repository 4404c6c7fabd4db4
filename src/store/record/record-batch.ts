// One flush of a run's writer (record-writer.ts): the events applied in order inside one
// transaction, written as one events row (the events, the results' values, the run-start's
// instances) beside the run's row and its rarer rows (attempts, logs, workers, process
// groups). The instance rows are not written here: readers bring them up to date from the
// events rows (instance-rows.ts). Everything a flush changes lives in its batch: when the
// transaction rolls back, the writer drops the batch and replays its events in the next
// one, from the position the last committed batch left.
import {hostname} from 'node:os'
import type {EventOf, RunState} from '../../core/events.js'
import type {Store} from '../db.js'
import {EventBlock, ValueColumn} from './event-block.js'
import {encodeDefs} from './instance-defs.js'
import type {RunMeta} from '../query/meta.js'
import {processStartTime} from '../upkeep/processes.js'
import type {PendingEvent} from './record-writer.js'
import {errJson, type RecordStatements} from './record-statements.js'
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
}

export const START_POSITION: RecordPosition = {runId: null, session: 0, seq: 0}

export class RecordBatch implements RecordPosition {
  runId: string | null
  session: number
  seq: number
  private endState: RunState | null = null
  private readonly block = new EventBlock()
  private readonly values = new ValueColumn()
  /** the run-start's instances (`events.defs`), when this flush holds it */
  private defs: string | null = null

  constructor(private readonly run: RunRecord, from: RecordPosition) {
    this.runId = from.runId
    this.session = from.session
    this.seq = from.seq
  }

  /** where this batch leaves the run's rows, once its transaction has committed */
  get position(): RecordPosition {
    return {runId: this.runId, session: this.session, seq: this.seq}
  }

  apply(p: PendingEvent): void {
    const e = p.event
    const {q, names} = this.run
    if (e.type === 'run-start') {
      if (this.runId !== null && this.block.length > 0) this.writeBlock() // (a second run-start: its own row)
      this.start(e)
    }
    const id = this.runId
    if (id === null) return // events before run-start have no run to belong to
    const session = this.session
    this.block.add(e)
    switch (e.type) {
      case 'start':
        this.run.handedAt[e.inst] = e.t
        return
      case 'succeeded': {
        const enc = p.encoded
        if (enc?.fileBytes && enc.file) writeValueFile(runBlobDir(this.run.store.blobDir, id), enc.file, enc.fileBytes)
        this.values.add(enc, p.valueError)
        if (e.attempt > 1) q.attempt.run(id, session, this.run.nameOf(e.inst), e.attempt, e.pid, this.run.handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'succeeded', null)
        return
      }
      case 'expanded':
      case 'added':
        for (const i of e.instances) names[i.idx] = i.name
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
      case 'attempt-failed':
        q.attempt.run(id, session, this.run.nameOf(e.inst), e.attempt, e.pid, this.run.handedAt[e.inst] ?? e.startedAt, e.startedAt, e.t, 'failed', errJson(e.error))
        return
      case 'run-end':
        this.endState = e.state
        return
      default:
        return
    }
  }

  /** the flush's row of events, after its events were applied in order */
  finish(): void {
    if (this.runId === null) return
    this.writeBlock()
    if (this.endState !== null) this.run.q.runEnd.run(this.endState, Date.now(), Date.now(), this.runId)
  }

  private writeBlock(): void {
    const json = this.block.take()
    if (json === null) return
    const {vals, vmeta} = this.values.take()
    this.run.q.event.run(this.runId, ++this.seq, this.session, json, vals, vmeta, this.defs)
    this.defs = null
  }

  /** the run's row, new or started again (--resume), and where its rows continue */
  private start(e: EventOf<'run-start'>): void {
    const {q, meta, pid, host, names} = this.run
    const id = e.runId
    const existing = q.runGet.get(id) as Row | undefined
    this.runId = id
    this.session = existing ? Number(existing.session) + 1 : 1
    this.seq = Number((q.maxSeq.get(id) as Row).s)
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
    this.defs = encodeDefs(e.instances)
  }
}
