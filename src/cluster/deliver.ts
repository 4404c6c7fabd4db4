// Messages to a coordinator's stream, in order, in one round trip. An outcome is appended
// only if its attempt's done key did not exist yet (SET NX): the first writer wins, so a
// late duplicate (a worker presumed dead, a job rerun after a stall) is dropped.
import {INLINE_LIMIT, RUN_TTL} from './keys.js'
import type {RedisClient} from './redis.js'
import {decode, encode, encodeValue, type WireMessage} from './wire.js'

// ARGV: ttl, the v8 bytes of the message list, then one done key per message ('' = none).
// One stream entry per flush: the list, and a flag per message ('1' kept, '0' dropped).
const SCRIPT = `
local flags = {}
local n = 0
for i = 3, #ARGV do
  local key = ARGV[i]
  if key == '' or redis.call('SET', key, '1', 'NX', 'EX', ARGV[1]) then
    flags[#flags + 1] = '1'
    n = n + 1
  else
    flags[#flags + 1] = '0'
  end
end
if n > 0 then
  redis.call('XADD', KEYS[1], '*', 'm', ARGV[2], 'a', table.concat(flags))
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
`

export interface Delivery {
  /** the done key for an outcome, '' for started/log messages */
  readonly once: string
  readonly message: WireMessage
}

interface WithDeliver {
  raytsDeliver(stream: string, ttl: number, list: Buffer, ...keys: string[]): Promise<number>
}
interface PipelineWithDeliver {
  raytsDeliver(stream: string, ttl: number, list: Buffer, ...keys: string[]): unknown
  exec(): Promise<[Error | null, unknown][] | null>
}

export function defineDeliver(redis: RedisClient): void {
  redis.defineCommand('raytsDeliver', {numberOfKeys: 1, lua: SCRIPT})
}

/**
 * Values travel `raw` (as themselves in the one serialization of the list) when the list is
 * at most INLINE_LIMIT bytes; else each on its own: big ones stored once under their hash
 * (in the same pipeline, before the messages that name them), one that cannot be serialized
 * becomes the task's error.
 */
export async function deliver(redis: RedisClient, stream: string, items: readonly Delivery[]): Promise<number> {
  const messages = items.map((it) => it.message)
  const keys = items.map((it) => it.once)
  let list: Buffer | undefined
  try {
    list = encode(messages)
    if (list.length > INLINE_LIMIT) list = undefined
  } catch {
    list = undefined
  }
  if (list) return (redis as unknown as WithDeliver).raytsDeliver(stream, RUN_TTL, list, ...keys)
  const p = redis.pipeline()
  const each = messages.map((m): WireMessage => {
    if (m.k !== 'd' || !m.value || !('raw' in m.value)) return m
    try {
      const v = encodeValue(m.value.raw)
      if (v.store) p.set(v.store.key, v.store.bytes, 'EX', RUN_TTL)
      return {...m, value: v.wire}
    } catch (error) {
      return {...m, value: undefined, error: {kind: 'error', name: 'DataCloneError', message: `the result cannot be sent: ${(error as Error).message}`}}
    }
  })
  ;(p as unknown as PipelineWithDeliver).raytsDeliver(stream, RUN_TTL, encode(each), ...keys)
  const rows = (await p.exec()) ?? []
  const last = rows.at(-1)
  if (!last || last[0]) throw last?.[0] ?? new Error('delivery failed')
  return last[1] as number
}

/** the coordinator's verdict on an attempt (crash, cancel): true if it came first */
export async function claimDone(redis: RedisClient, key: string): Promise<boolean> {
  return (await redis.set(key, '1', 'EX', RUN_TTL, 'NX')) === 'OK'
}

/** what a session's stream holds: every message, and whether it was kept (tests, debugging) */
export async function readDeliveries(redis: RedisClient, stream: string): Promise<{message: WireMessage; kept: boolean}[]> {
  const out: {message: WireMessage; kept: boolean}[] = []
  const entries = (await redis.xrangeBuffer(stream, '-', '+')) as [Buffer, Buffer[]][]
  for (const [, fields] of entries) {
    const list = fields[1]
    const kept = fields[3]?.toString() ?? ''
    if (!list) continue
    decode<WireMessage[]>(list).forEach((message, i) => out.push({message, kept: kept[i] === '1'}))
  }
  return out
}
