// A coordinator session's liveness in Redis, which workers check right before they start
// one of its jobs. The alive key expires at a deadline on Redis's clock: the moment the
// coordinator gives up on a silent Redis (the last time it heard from Redis plus its
// lost-after bound). Each heartbeat carries that deadline and extends the key only if the
// deadline is later than the stored one and still ahead of Redis's clock, so a heartbeat
// that sat in a socket while Redis hung (SIGSTOP, a stalled link) and arrives after the
// run gave up changes nothing. An ended marker, written when the session closes (and sent
// anyway when Redis is lost), makes every later heartbeat a no-op.
import {RUN_TTL, aliveKey, endedKey} from './keys.js'
import type {RedisClient} from './redis.js'

// KEYS: alive, ended. ARGV: the deadline in ms on Redis's clock (0: now + ARGV[2]), life in ms.
// Returns {1 if the session is alive after it, Redis's time in ms}.
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[2]) == 1 then return {0, now} end
local deadline = tonumber(ARGV[1])
if deadline == 0 then deadline = now + tonumber(ARGV[2]) end
if deadline <= now then return {0, now} end
local stored = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if deadline > stored then redis.call('SET', KEYS[1], string.format('%d', deadline), 'PX', string.format('%d', deadline - now)) end
return {1, now}
`

interface WithBeat {
  raytsBeat(alive: string, ended: string, deadline: number, lifeMs: number): Promise<[number, number]>
}

export function defineBeat(redis: RedisClient): void {
  redis.defineCommand('raytsBeat', {numberOfKeys: 2, lua: BEAT})
}

export interface BeatReply {
  readonly alive: boolean
  /** Redis's clock when it ran the beat, ms */
  readonly redisMs: number
}

/** `deadline` on Redis's clock in ms, or 0 for the first beat (Redis's now + lifeMs) */
export async function beatSession(redis: RedisClient, sid: string, deadline: number, lifeMs: number): Promise<BeatReply> {
  const [alive, redisMs] = await (redis as unknown as WithBeat).raytsBeat(aliveKey(sid), endedKey(sid), Math.floor(deadline), Math.floor(lifeMs))
  return {alive: alive === 1, redisMs}
}

/** mark the session ended: its jobs are dropped, no heartbeat revives it */
export async function endSession(redis: RedisClient, sid: string): Promise<void> {
  await redis.multi().set(endedKey(sid), '1', 'EX', RUN_TTL).del(aliveKey(sid)).exec()
}

export interface SessionState {
  /** how long it has left, ms; 0: over (or, without `ended`, unknown to this Redis: one that lost its data) */
  readonly leftMs: number
  /** its run ended it */
  readonly ended: boolean
  /** which of the done keys asked for are set */
  readonly done: readonly boolean[]
}

/** A worker's look at a session, and at the done keys of a batch of it. */
export async function sessionState(redis: RedisClient, sid: string, doneKeys: readonly string[]): Promise<SessionState> {
  const m = redis.multi().pttl(aliveKey(sid)).exists(endedKey(sid))
  if (doneKeys.length > 0) m.mget(...doneKeys)
  const rows = (await m.exec()) ?? []
  for (const [error] of rows) if (error) throw error
  const pttl = rows[0]?.[1] as number
  const ended = rows[1]?.[1] as number
  const done = doneKeys.length > 0 ? (rows[2]![1] as (string | null)[]).map((v) => v !== null) : []
  // -2: no key (expired, ended, or a Redis that lost its data); -1 (no expiry) is not written
  return {leftMs: ended === 1 || pttl < 0 ? 0 : pttl, ended: ended === 1, done}
}
