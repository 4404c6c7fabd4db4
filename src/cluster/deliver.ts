// Messages to a coordinator's stream, in order, in one round trip. An outcome is appended
// only if its attempt's done key did not exist yet (SET NX): the first writer wins, so a
// late duplicate (a worker presumed dead, a job rerun after a stall) is dropped.
import {RUN_TTL} from './keys.js'
import type {RedisClient} from './redis.js'
import {encode, type WireMessage} from './wire.js'

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

export function defineDeliver(redis: RedisClient): void {
  redis.defineCommand('raytsDeliver', {numberOfKeys: 1, lua: SCRIPT})
}

export function deliver(redis: RedisClient, stream: string, items: readonly Delivery[]): Promise<number> {
  const list = encode(items.map((it) => it.message))
  return (redis as unknown as WithDeliver).raytsDeliver(stream, RUN_TTL, list, ...items.map((it) => it.once))
}

/** the coordinator's verdict on an attempt (crash, cancel): true if it came first */
export async function claimDone(redis: RedisClient, key: string): Promise<boolean> {
  return (await redis.set(key, '1', 'EX', RUN_TTL, 'NX')) === 'OK'
}
