import {spawn} from 'node:child_process'
import test from 'ava'
import {createLocalExecutor} from '../../src/executor/index.js'
import {GRACE_MS} from '../../src/executor/terminate/terminate-group.js'
import {nowMicros} from '../../src/core/clock.js'
import {alive, cmdJob, delay, eventually, fixture, liveGroupMembers, RecordingSink} from './helpers.js'
import {until} from '../helpers/poll.js'

// Note: PID 1 of this machine does not reap orphans, so a killed grandchild may stay a
// zombie in its group and process.kill(-pgid, 0) still succeeds; "gone" here means no live
// (non-zombie) member, read from /proc.

async function groupOf(rec: RecordingSink, inst: number): Promise<number> {
  for (;;) {
    const e = rec.events.find((x) => x.type === 'process-group' && x.inst === inst && x.alive)
    if (e?.type === 'process-group') return e.pgid
    await delay(10)
  }
}

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
  return liveGroupMembers(pgid).length === 0
}

// The group is signalled as a whole, and its members exit one by one: on a loaded machine one
// may still be exiting when the command's end is reported, so a moment is allowed.
const goneSoon = (pgid: number): Promise<boolean> => eventually(() => groupGone(pgid), 2000)

test.serial('timeout of a command that ignores SIGTERM, with a grandchild: SIGKILL after the grace, nothing left', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    ex.submit([cmdJob(0, {shell: "trap '' TERM; sleep 30 & sleep 30; echo never"}, {timeout: 0.5})])
    const pgid = await groupOf(rec, 0)
    const t0 = Date.now()
    await delay(150)
    t.true(liveGroupMembers(pgid).length >= 3, 'sh, its child and the grandchild run')
    await rec.waitDone(1)
    const elapsed = Date.now() - t0
    t.like(rec.outcome(0), {ok: false, error: {kind: 'timeout', name: 'TimeoutError', message: 'timed out after 0.5 s'}})
    t.true(elapsed >= 2200, `SIGTERM was ignored, so the grace ran out (${elapsed} ms)`)
    t.true(elapsed < 0.5 * 1000 + 2000 + 1000 + 500, `ended within timeout + grace + 1 s (${elapsed} ms)`)
    t.true(await goneSoon(pgid), `no live process in group ${pgid}: ${liveGroupMembers(pgid).join(' ')}`)
    t.true(rec.events.some((e) => e.type === 'process-group' && e.pgid === pgid && !e.alive))
  } finally {
    await ex.close()
  }
})

test.serial('timeout of a command that obeys SIGTERM ends at once, grandchild included', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    ex.submit([cmdJob(0, {shell: 'sleep 30 & sleep 30'}, {timeout: 0.3})])
    const pgid = await groupOf(rec, 0)
    await rec.waitDone(1)
    const outcome = rec.outcome(0)
    t.like(outcome, {ok: false, error: {kind: 'timeout'}})
    // Ended by SIGTERM, not by the SIGKILL after the grace: that one cannot come before the
    // timeout plus the grace since the command began (its own clock, not this test's wall
    // time, which a loaded machine stretches: the suite saw 1.5 s here once).
    const ranMs = (outcome.endedAt - outcome.startedAt) / 1000
    t.true(ranMs < 300 + GRACE_MS, `ended ${ranMs.toFixed(0)} ms after it began`)
    t.true(await goneSoon(pgid), `no live process in group ${pgid}: ${liveGroupMembers(pgid).join(' ')}`)
  } finally {
    await ex.close()
  }
})

test.serial('cancel of a running command ends its group and reports cancelled', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    ex.submit([cmdJob(0, {shell: 'sleep 30 & sleep 30'})])
    const pgid = await groupOf(rec, 0)
    // both sleeps started: a SIGTERM sent while sh is still forking one reaches the group
    // before that child joins it, and the child lives on until the grace's SIGKILL (CI saw
    // exactly that once: the end came 2,004 ms after the cancel)
    await until('sh and both sleeps to run', () => liveGroupMembers(pgid).length >= 3, 30_000)
    const cancelledAt = nowMicros()
    ex.cancel(0)
    await rec.waitDone(1)
    const outcome = rec.outcome(0)
    t.like(outcome, {ok: false, error: {kind: 'cancelled'}})
    // Ended by SIGTERM, not by the SIGKILL after the grace: the command's end (the worker's
    // clock, CLOCK_MONOTONIC like this process's) comes before the cancel plus the grace.
    // Not this test's wall time, which a loaded machine stretches (CI saw > 1.5 s once).
    const ms = (outcome.endedAt - cancelledAt) / 1000
    t.true(ms < GRACE_MS, `ended ${ms.toFixed(0)} ms after the cancel`)
    t.true(await goneSoon(pgid), `no live process in group ${pgid}: ${liveGroupMembers(pgid).join(' ')}`)
  } finally {
    await ex.close()
  }
})

test.serial('close() kills running command groups (even TERM-ignoring ones) and workers', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  ex.submit([cmdJob(0, {shell: "trap '' TERM; sleep 30 & sleep 30"})])
  ex.submit([cmdJob(1, {argv: ['sleep', '30']})])
  const groups = [await groupOf(rec, 0), await groupOf(rec, 1)]
  const workers = rec.events.filter((e) => e.type === 'worker-start').map((e) => e.pid)
  const t0 = Date.now()
  await ex.close()
  t.true(Date.now() - t0 < 2000, 'close does not wait for a grace')
  for (const pgid of groups) t.true(groupGone(pgid), `group ${pgid} is gone`)
  for (const pid of workers) t.false(alive(pid), `worker ${pid} is gone`)
  t.is(rec.done.length, 0)
})

test.serial('kill -9 of the parent: workers exit and kill their command groups', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('orphan-parent.ts')], {stdio: ['ignore', 'pipe', 'inherit']})
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => {
        text += chunk
        if (text.includes('\n')) resolve(text.split('\n')[0]!)
      })
      child.once('exit', () => reject(new Error('the parent exited early')))
    })
    const {pgid, workers} = JSON.parse(line) as {pgid: number; workers: number[]}
    // the group is announced when the shell starts, before it has forked its children
    await until('the command and its grandchild to run', () => liveGroupMembers(pgid).length >= 2, 30_000)
    child.kill('SIGKILL')
    await eventually(() => !workers.some(alive) && groupGone(pgid), 3000)
    for (const pid of workers) t.false(alive(pid), `worker ${pid} exited`)
    t.true(groupGone(pgid), `group ${pgid} was killed`)
  } finally {
    child.kill('SIGKILL')
  }
})
