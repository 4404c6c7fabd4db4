// Names and limits shared by the coordinator, the workers and `cluster status`.

/** the BullMQ queue every run's batches go through */
export const QUEUE = 'rayts-tasks'
/**
 * batches of several short fn jobs (the scheduler packs only jobs it measured short): a
 * worker takes SHORT_PREFETCH times its CPU slots of these at once, so the next batches are
 * fetched and decoded while one runs; its resource gate still bounds what runs
 */
export const SHORT_QUEUE = 'rayts-short'
export const SHORT_PREFETCH = 4
/** BullMQ's key prefix (its default) */
const BULL_PREFIX = 'bull'
/** values up to this size travel inside the job; larger ones once under a content key */
export const INLINE_LIMIT = 64 * 1024
/** how long a run's keys (values, results, streams) live in Redis, seconds */
export const RUN_TTL = 24 * 3600
/** a worker's heartbeat key expires after this, seconds */
export const HEARTBEAT_TTL = 5
export const HEARTBEAT_EVERY_MS = 1000
/**
 * Redis silent this long (no reply to anything): a run ends as failed (ClusterLostError), a
 * worker says it lost Redis (and keeps retrying). ioredis reconnects meanwhile.
 */
export const LOST_AFTER_MS = 15_000
/** what a closing side waits for Redis before it leaves anyway (one Ctrl-C ends a run within 2 s) */
export const CLOSE_GRACE_MS = 1000
/** BullMQ lock settings: a dead worker's job is noticed within ~lock + interval */
export const LOCK_DURATION_MS = 4000
export const STALLED_INTERVAL_MS = 2000
/** the code of a run's graph folder, packed, at most this many bytes before packing */
export const CODE_CAP = 50 * 1024 * 1024

export const WORKERS_SET = 'rayts:workers'
export const CANCEL_CHANNEL = 'rayts:cancel'
export const workerKey = (id: string): string => `rayts:w:${id}`
export const codeKey = (sha: string): string => `rayts:code:${sha}`
export const valueKey = (sha: string): string => `rayts:v:${sha}`
/** one coordinator session (a run, or a resumed run, in one process): alive until its deadline (session.ts) */
export const aliveKey = (sid: string): string => `rayts:s:${sid}:alive`
/** set when the session ends: no heartbeat revives it (session.ts) */
export const endedKey = (sid: string): string => `rayts:s:${sid}:ended`
export const streamKey = (sid: string): string => `rayts:s:${sid}:out`
/** set once, by the first outcome of an attempt (worker) or by the coordinator's verdict */
export const doneKey = (sid: string, inst: number, attempt: number): string => `rayts:s:${sid}:d:${inst}:${attempt}`
export const bullJobKey = (id: string, queue: string = QUEUE): string => `${BULL_PREFIX}:${queue}:${id}`
