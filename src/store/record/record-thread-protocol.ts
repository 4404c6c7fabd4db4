// What the run's thread and the store's writer thread (record-thread.ts) say to each other.
import type {MessagePort} from 'node:worker_threads'
import type {RunEvent} from '../../core/events.js'
import type {RunMeta} from '../query/meta.js'
import type {PendingEvent} from './record-writer.js'

// slots of the shared Int32Array
/** outcomes (results, failures, skips) posted to the thread and not yet written */
export const QUEUED = 0
/** answers given to flush and close */
export const REPLIES = 1
/** 1 while writes fail (the thread keeps the events and retries) */
export const FAILING = 2
/** 1 once the thread failed for good */
export const DEAD = 3
/** 1 once the thread's entry runs */
export const STARTED = 4
export const SLOTS = 5

/**
 * outcomes that may wait for the thread before the run's thread waits for it: FLUSH_MAX / 3
 * (record-writer.ts, not imported: the thread's entry loads only this file before it runs)
 */
export const MAX_QUEUED = 5334
/**
 * the thread writes at once from this many unwritten outcomes, not at its next timer: the
 * run's thread would wait for that timer at MAX_QUEUED (43 % of its samples in a 100k run)
 */
export const WRITE_NOW = Math.ceil(MAX_QUEUED / 2)

/** the events counted in QUEUED */
export const OUTCOMES: ReadonlySet<RunEvent['type']> = new Set(['succeeded', 'failed', 'attempt-failed', 'skipped', 'cancelled', 'cancelled-rest'])

export interface ThreadData {
  readonly home: string
  readonly meta: RunMeta
  readonly pid: number
  readonly shared: Int32Array
  /** flush and close are answered here (read with receiveMessageOnPort) */
  readonly reply: MessagePort
}

export type ThreadMessage =
  | {readonly kind: 'events'; readonly list: Posted[]} | {readonly kind: 'flush'} | {readonly kind: 'close'}

export interface ThreadReply {
  readonly runId: string | null
  readonly writeError: string | null
}

/**
 * An event as posted: the three every task makes (ready, start, succeeded with an inline
 * value) as number tuples, the rest as PendingEvent objects (a result's value left out).
 * A tuple is cheaper to clone than an object, whose clone writes every key again.
 */
export type Posted =
  | readonly [0, number, number]
  | readonly [1, number, number, number, number | null]
  // the last two: the attempt's phases (calledAt, returnedAt), when known
  | readonly [2, number, number, number, number | null, number, Uint8Array, ...([] | [number, number | null])]
  | PendingEvent

export function pack(p: PendingEvent): Posted {
  const e = p.event
  switch (e.type) {
    case 'ready':
      return [0, e.t, e.inst]
    case 'start':
      return [1, e.t, e.inst, e.attempt, e.pid]
    case 'succeeded': {
      const enc = p.encoded
      if (enc?.inline && p.valueError === null && !e.cached) {
        // a value's own bytes: a view of Buffer's shared pool would post the whole pool
        const bytes = enc.inline.byteLength === enc.inline.buffer.byteLength ? enc.inline : new Uint8Array(enc.inline)
        return e.calledAt === undefined
          ? [2, e.t, e.inst, e.attempt, e.pid, e.startedAt, bytes]
          : [2, e.t, e.inst, e.attempt, e.pid, e.startedAt, bytes, e.calledAt, e.returnedAt ?? null]
      }
      return {...p, event: {...e, value: undefined}}
    }
    default:
      return p
  }
}

export function unpack(x: Posted): PendingEvent {
  if (!Array.isArray(x)) return x as PendingEvent
  const t = x as readonly [number, number, number, number, number | null, number, Uint8Array, number?, (number | null)?]
  switch (t[0]) {
    case 0:
      return {event: {type: 'ready', t: t[1], inst: t[2]}, encoded: null, valueError: null, procStart: null}
    case 1:
      return {event: {type: 'start', t: t[1], inst: t[2], attempt: t[3], pid: t[4]}, encoded: null, valueError: null, procStart: null}
    default:
      return {
        event:
          t[7] === undefined
            ? {type: 'succeeded', t: t[1], inst: t[2], attempt: t[3], pid: t[4], startedAt: t[5], value: undefined}
            : {type: 'succeeded', t: t[1], inst: t[2], attempt: t[3], pid: t[4], startedAt: t[5], value: undefined, calledAt: t[7], returnedAt: t[8] ?? undefined},
        encoded: {inline: Buffer.from(t[6].buffer, t[6].byteOffset, t[6].byteLength), fileBytes: null, file: null},
        valueError: null,
        procStart: null,
      }
  }
}
