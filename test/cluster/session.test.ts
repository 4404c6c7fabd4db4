// A session's liveness in a real Redis (src/cluster/session.ts): a heartbeat extends it only
// to a later deadline still ahead of Redis's clock, so a late one never revives it; an ended
// session stays ended. And the run's bound on Redis's silence from the environment.
import test from 'ava'
import {lostAfterMs} from '../../src/cluster/link.js'
import {beatSession, defineBeat, endSession, sessionState} from '../../src/cluster/session.js'
import {UsageError} from '../../src/core/usage-error.js'
import {HAVE_REDIS, NO_REDIS, startRedis} from './helpers.js'

const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

serial('a heartbeat extends a session only forward and only before its deadline; an ended session stays ended', async (t) => {
  const redis = await startRedis(t)
  const client = redis.client()
  defineBeat(client)
  const first = await beatSession(client, 's1', 0, 60_000)
  t.true(first.alive)
  const left = (await sessionState(client, 's1', [])).leftMs
  t.true(left > 55_000 && left <= 60_000, `${left} ms left`)

  // an earlier deadline does not shorten it
  t.true((await beatSession(client, 's1', first.redisMs + 10_000, 60_000)).alive)
  t.true((await sessionState(client, 's1', [])).leftMs > 55_000)

  // a heartbeat Redis runs past its deadline (it sat in a socket while Redis hung) is refused
  // and does not bring back a session whose key expired
  t.true((await beatSession(client, 's2', 0, 2000)).alive)
  await client.pexpire('rayts:s:s2:alive', 1) // its deadline passes
  await new Promise((r) => setTimeout(r, 20))
  const late = await beatSession(client, 's2', first.redisMs, 60_000)
  t.false(late.alive)
  t.deepEqual(await sessionState(client, 's2', []), {leftMs: 0, ended: false, done: []})
  t.is(await client.exists('rayts:s:s2:alive'), 0)

  // ended: no heartbeat revives it, whatever its deadline
  await endSession(client, 's1')
  t.like(await sessionState(client, 's1', []), {leftMs: 0, ended: true})
  t.false((await beatSession(client, 's1', Date.now() + 3_600_000, 60_000)).alive)
  t.false((await beatSession(client, 's1', 0, 60_000)).alive)
  t.is((await sessionState(client, 's1', [])).leftMs, 0)

  // the done keys of a batch, read with the session
  t.true((await beatSession(client, 's3', 0, 60_000)).alive)
  await client.set('d1', '1')
  t.deepEqual((await sessionState(client, 's3', ['d0', 'd1'])).done, [false, true])
})

test('$RAYTS_CLUSTER_LOST_AFTER: a duration of at least 2 s, else a usage error; unset: 15 s', (t) => {
  t.is(lostAfterMs({}), 15_000)
  t.is(lostAfterMs({RAYTS_CLUSTER_LOST_AFTER: '3s'}), 3000)
  t.is(lostAfterMs({RAYTS_CLUSTER_LOST_AFTER: '2500ms'}), 2500)
  for (const bad of ['abc', '-5', '0', '1s']) {
    const error = t.throws(() => lostAfterMs({RAYTS_CLUSTER_LOST_AFTER: bad}), {instanceOf: UsageError})
    t.regex(error!.message, /^\$RAYTS_CLUSTER_LOST_AFTER must be a duration of at least 2 s/)
  }
})
