// What the run's thread and the store's writer thread (record-thread.ts) say to each other.
import type {MessagePort} from 'node:worker_threads'
import type {RunEvent} from '../runtime/events.js'
import type {RunMeta} from './meta.js'
import type {PendingEvent} from './record-writer.js'

/** slots of the shared Int32Array */
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

/** the events counted in QUEUED */
export const OUTCOMES: ReadonlySet<RunEvent['type']> = new Set(['succeeded', 'failed', 'attempt-failed', 'skipped', 'cancelled'])

export interface ThreadData {
  readonly home: string
  readonly meta: RunMeta
  readonly pid: number
  readonly shared: Int32Array
  /** flush and close are answered here (read with receiveMessageOnPort) */
  readonly reply: MessagePort
}

export type ThreadMessage =
  | {readonly kind: 'events'; readonly list: PendingEvent[]} | {readonly kind: 'flush'} | {readonly kind: 'close'}

export interface ThreadReply {
  readonly runId: string | null
  readonly writeError: string | null
}
