// Cluster mode across hosts: each test host is a network namespace with its own
// `rayts worker`, joined by veth pairs to a bridge where Redis listens (with a password);
// the run's coordinator stays in the root namespace. Needs root, iproute2 and redis-server:
// skipped, with the reason, where one is missing.
import test from 'ava'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {cli, FIXTURES, tempDir, until} from './helpers.js'
import {createNet, heartbeatOf, NETNS_PROBLEM, recordedOutcomes, startHostWorker, startRedisOn} from './netns.js'
import {startsFrom} from './helpers.js'

const SPREAD = join(FIXTURES, 'spread.yaml')
const LONE = join(FIXTURES, 'lone.yaml')

const serial = NETNS_PROBLEM === null ? test.serial : test.serial.skip
const skipped = NETNS_PROBLEM === null ? '' : ` [skipped: ${NETNS_PROBLEM}]`
if (NETNS_PROBLEM !== null) console.warn(`multi-host (network namespace) cluster tests skipped: ${NETNS_PROBLEM}`)

/** `result` lines of `rayts run --json`: instance -> the values printed for it */
function resultLines(stdout: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>()
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue
    const o = JSON.parse(line) as {type: string; instance?: string; value?: unknown}
    if (o.type === 'result' && o.instance) out.set(o.instance, [...(out.get(o.instance) ?? []), o.value])
  }
  return out
}

function summaryOf(stdout: string): {retries: number; counts: {succeeded: number}} {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {retries: number; counts: {succeeded: number}}
}

/** start marks (fixtures/hosts.mjs): [task index, host] */
function marksIn(dir: string): [number, string][] {
  return readdirSync(dir).map((f) => {
    const [x, host] = f.split('-')
    return [Number(x), host!]
  })
}

serial(`every process of one host killed mid-run: the run completes, each result recorded once${skipped}`, async (t) => {
  t.timeout(240_000)
  const net = createNet(t, 3)
  const redis = await startRedisOn(t, net.bridgeAddress)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  await Promise.all(net.hosts.map((h) => startHostWorker(t, h, redis.url, 1, {MARKS: marks})))
  const victim = net.hosts[0]!
  let ended = false
  const run = cli(home, ['run', SPREAD, '--json', '--cluster', redis.url])
  void run.finally(() => (ended = true))
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  const alive = (): void => {
    if (ended) throw new Error('the run ended before the host was killed')
  }
  // every host busy, then the victim starts another task: kill all of it right then
  await until('every host to start a task', () => (alive(), new Set(marksIn(marks).map(([, h]) => h)).size === 3))
  const before = await startsFrom(redis.client, victim.name)
  await until('the victim host to start another task', async () => (alive(), (await startsFrom(redis.client, victim.name)) > before))
  const pids = net.pids(victim)
  t.true(pids.length >= 2, `processes in ${victim.ns}: ${pids.join(' ')}`) // the worker and its pool
  net.killHost(victim)
  t.deepEqual(net.pids(victim), [])

  const done = await run
  t.is(done.exitCode, 0, String(done.stderr))
  const lines = resultLines(String(done.stdout))
  for (let i = 0; i < 12; i++) t.deepEqual(lines.get(`work[${i}]`), [i * 10], `work[${i}]`)
  t.deepEqual(lines.get('total'), [660])
  const summary = summaryOf(String(done.stdout))
  t.is(summary.counts.succeeded, 13)
  t.true(summary.retries >= 1, `retries ${summary.retries}`) // the task it was running counted as a crash
  // Redis kept one outcome per attempt and one success per instance
  const {kept, succeeded} = await recordedOutcomes(redis.client)
  t.true([...kept.values()].every((n) => n === 1), JSON.stringify([...kept]))
  t.is(succeeded.size, 13)
  t.true([...succeeded.values()].every((n) => n === 1), JSON.stringify([...succeeded]))
  // the victim did start work, and the other hosts finished it
  const starts = marksIn(marks)
  t.true(starts.some(([, h]) => h === victim.name))
  t.true(starts.length > 12, starts.map(String).join(' '))
})

serial(`a host cut off while it runs a task, back after the rerun elsewhere: its late result is dropped${skipped}`, async (t) => {
  t.timeout(240_000)
  const net = createNet(t, 2)
  const redis = await startRedisOn(t, net.bridgeAddress)
  const home = tempDir(t, 'rayts-home-')
  const marks = tempDir(t, 'rayts-marks-')
  await Promise.all(net.hosts.map((h) => startHostWorker(t, h, redis.url, 1, {MARKS: marks})))
  let ended = false
  const run = cli(home, ['run', LONE, '--json', '--cluster', redis.url])
  void run.finally(() => (ended = true))
  t.teardown(() => {
    run.kill('SIGKILL')
  })
  const alive = (): void => {
    if (ended) throw new Error('the run ended before the host was cut off')
  }
  await until('the 6 s task to start', () => (alive(), marksIn(marks).length >= 1))
  const name = marksIn(marks)[0]![1]
  const cutHost = net.hosts.find((h) => h.name === name)!
  const other = net.hosts.find((h) => h !== cutHost)!
  // the coordinator knows it started there (so its loss counts as a crash), then cut
  await until('the coordinator to hear of the start', async () => (alive(), (await startsFrom(redis.client, cutHost.name)) >= 1))
  net.cut(cutHost)
  await until('the task to be rerun on the other host', () => (alive(), marksIn(marks).some(([x, h]) => x === 7 && h === other.name)), 90_000)
  const restoredAt = Date.now()
  net.restore(cutHost)

  const done = await run
  t.is(done.exitCode, 0, String(done.stderr))
  const lines = resultLines(String(done.stdout))
  t.deepEqual(lines.get('lone'), [70])
  t.deepEqual(lines.get('after'), [71])
  t.is(summaryOf(String(done.stdout)).retries, 1)
  // the cut-off host finished its attempt during the cut and delivered it once back: its
  // heartbeat after the delivery shows the task completed and its CPU free again
  await until(
    'the cut-off host to deliver its late outcome',
    async () => {
      const hb = await heartbeatOf(redis.client, cutHost.name)
      return hb !== undefined && hb.beatMs > restoredAt && hb.completed >= 1 && !((hb.used.cpu ?? 0) > 0)
    },
    90_000,
  )
  const starts = marksIn(marks).filter(([x]) => x === 7)
  t.deepEqual(starts.map(([, h]) => h).sort(), [cutHost.name, other.name].sort())
  // one outcome kept per attempt, one success per instance: the late one was not appended
  const {kept, succeeded} = await recordedOutcomes(redis.client)
  t.true([...kept.values()].every((n) => n === 1), JSON.stringify([...kept]))
  t.is(succeeded.size, 2, JSON.stringify([...succeeded]))
  t.true([...succeeded.values()].every((n) => n === 1), JSON.stringify([...succeeded]))
  t.is(kept.size, 2, JSON.stringify([...kept])) // lone's rerun and after; the cut host's attempt 1 is not there
})
