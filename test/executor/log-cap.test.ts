// Log caps (issue 12 item 6): per attempt (head and tail kept, a marker between), applied
// in the worker so that a flood never piles up in memory; and per run, in the scheduler.
import test from 'ava'
import {execa} from 'execa'
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createLocalExecutor} from '../../src/executor/index.js'
import {LogCap, type Stream} from '../../src/executor/worker/log-cap.js'
import {ATTEMPT_LOG_DEFAULT, logLimits} from '../../src/format/log-limits.js'
import {MiB} from '../../src/format/units.js'
import {openStore} from '../../src/store/index.js'
import {runGraph} from '../scheduler/helpers.js'
import {cmdJob, fixture, fnJob, RecordingSink} from './helpers.js'

function capped(max: number, pieces: [Stream, string][]): [Stream, string][] {
  const out: [Stream, string][] = []
  const cap = new LogCap((fd, text) => out.push([fd, text]), max)
  for (const [fd, text] of pieces) cap.write(fd, text)
  cap.end()
  return out
}

test('under the cap everything passes, in order, with no marker', (t) => {
  const pieces: [Stream, string][] = [['stdout', 'a\n'], ['stderr', 'b\n'], ['stdout', 'c\n']]
  t.deepEqual(capped(100, pieces), pieces)
})

test('over the cap: the first half, a marker with what was cut, the last half', (t) => {
  const text = Array.from({length: 100}, (_, i) => `${String(i).padStart(2, '0')}\n`) // 300 chars
  const out = capped(60, text.map((l) => ['stdout', l] as [Stream, string]))
  const joined = out.map(([, s]) => s).join('')
  const [head, rest] = joined.split('\n[rayts: ')
  t.is(head, text.slice(0, 10).join('')) // 30 chars
  t.regex(rest!, /^240 characters of output cut here: the log keeps the first and the last 30 characters of an attempt\]\n/)
  t.true(joined.endsWith(text.slice(90).join('')))
  t.is(joined.length - joined.indexOf(']\n') - 2, 30)
})

test('one huge write is cut in the middle too', (t) => {
  const out = capped(10, [['stderr', 'HHHHH' + 'm'.repeat(1000) + 'TTTTT']])
  t.is(out[0]![1], 'HHHHH')
  t.regex(out[1]![1], /1000 characters of output cut here/)
  t.is(out[2]![1], 'TTTTT')
  t.true(out.every(([fd]) => fd === 'stderr'))
})

test('the default is 10 MiB per attempt and 100 MiB per run; the environment may change them', (t) => {
  t.is(ATTEMPT_LOG_DEFAULT, 10 * MiB)
  t.deepEqual(logLimits({}), {attempt: 10 * MiB, run: 100 * MiB})
  t.deepEqual(logLimits({RAYTS_LOG_ATTEMPT_MAX: '64k', RAYTS_LOG_RUN_MAX: '2m'}), {attempt: 64 * 1024, run: 2 * MiB})
  t.deepEqual(logLimits({RAYTS_LOG_ATTEMPT_MAX: ''}), {attempt: 10 * MiB, run: 100 * MiB})
})

test('a log cap that is not a size is refused, naming the variable, not replaced by the default', (t) => {
  t.throws(() => logLimits({RAYTS_LOG_ATTEMPT_MAX: 'lots'}), {name: 'UsageError', message: /^RAYTS_LOG_ATTEMPT_MAX: expected a size greater than 0: .*64K.*; got "lots"$/})
  t.throws(() => logLimits({RAYTS_LOG_RUN_MAX: '0'}), {message: /^RAYTS_LOG_RUN_MAX: expected a size greater than 0/})
  // a fraction with a unit is a size (as Docker reads it), where it used to fall back to 100 MiB
  t.is(logLimits({RAYTS_LOG_RUN_MAX: '1.5m'}).run, 1.5 * MiB)
})

test.serial('an fn task printing 40 MiB in a loop: its log is 10 MiB, first line, marker, last line', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    ex.submit([fnJob(0, 'flood', [40], {module: fixture('flood.mjs')})])
    await rec.waitDone(1)
    t.like(rec.outcome(0), {ok: true, value: 40})
    const log = rec.logText(0, 'stdout')
    // (no t.regex on the log: a failure would print 10 MiB)
    t.true(log.startsWith('FIRST LINE\n'), log.slice(0, 100))
    t.true(log.endsWith('LAST LINE\n'), log.slice(-100))
    const marker = /\n\[rayts: 30\.0 MiB of output cut here: the log keeps the first and the last 5 MiB of an attempt\]\n/.exec(log)
    t.truthy(marker, 'the marker')
    t.true(Math.abs(marker!.index - 5 * MiB) < 100, `the marker at ${marker?.index}`)
    t.true(log.length < 10 * MiB + 200, `${log.length} characters kept`)
  } finally {
    await ex.close()
  }
})

test.serial('a command flooding stderr: capped the same way', async (t) => {
  const rec = new RecordingSink()
  const ex = createLocalExecutor(rec.sink)
  try {
    ex.submit([cmdJob(0, {shell: 'echo FIRST >&2; head -c 31457280 /dev/zero | tr "\\0" x >&2; echo >&2; echo LAST >&2; echo done'})])
    await rec.waitDone(1)
    t.like(rec.outcome(0), {ok: true, value: 'done'})
    const log = rec.logText(0, 'stderr')
    t.true(log.startsWith('FIRST\n'), log.slice(0, 100))
    t.true(log.endsWith('\nLAST\n'), log.slice(-100))
    t.true(/\n\[rayts: 20\.0 MiB of output cut here: the log keeps the first and the last 5 MiB of an attempt\]\n/.test(log), 'the marker')
    t.true(log.length < 10 * MiB + 200, `${log.length} characters kept`)
  } finally {
    await ex.close()
  }
})

test.serial('the per-run cap: past RAYTS_LOG_RUN_MAX, one marker and nothing more', async (t) => {
  process.env.RAYTS_LOG_RUN_MAX = '1m'
  try {
    const ran = await runGraph(join(import.meta.dirname, 'fixtures', 'flood-many.yaml'), {numCpus: 1})
    t.is(ran.summary.state, 'succeeded')
    const logs = ran.events.flatMap((e) => (e.type === 'log' ? [e.text] : []))
    const total = logs.reduce((n, s) => n + s.length, 0)
    t.true(total <= MiB + 200, `${total} characters kept`)
    t.true(total >= MiB)
    t.is(logs.filter((s) => s.includes("[rayts: the run's log cap (1 MiB) is reached")).length, 1)
  } finally {
    delete process.env.RAYTS_LOG_RUN_MAX
  }
})

test.serial('rayts run of a 40 MiB flood: the store keeps ~10 MiB once; rayts logs shows head, marker, tail', async (t) => {
  const root = join(import.meta.dirname, '..', '..')
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  const env = {RAYTS_HOME: home, CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}
  try {
    const ran = await execa(join(root, 'bin', 'dev.js'), ['run', fixture('flood-cli.yaml')], {cwd: root, reject: false, env})
    t.is(ran.exitCode, 0, ran.stderr.slice(-2000))
    const store = openStore(home)
    try {
      const logged = store.db.prepare('SELECT SUM(LENGTH(text)) AS n FROM logs').get() as {n: number}
      t.true(logged.n < 10 * MiB + 200, `${logged.n} characters in the logs table`)
      const inEvents = store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE json LIKE '%\"type\":\"log\"%'").get() as {n: number}
      t.is(inEvents.n, 0, 'logs are not stored again as events')
    } finally {
      store.close()
    }
    const size = statSync(join(home, 'rayts.db')).size + (existsSync(join(home, 'rayts.db-wal')) ? statSync(join(home, 'rayts.db-wal')).size : 0)
    t.true(size < 16 * MiB, `the store takes ${size} bytes`)
    const logs = await execa(join(root, 'bin', 'dev.js'), ['logs', 'last', 'f'], {cwd: root, reject: false, env, maxBuffer: 64 * MiB})
    t.is(logs.exitCode, 0, logs.stderr)
    const lines = logs.stdout.split('\n')
    t.is(lines[0], 'f#1 | FIRST LINE')
    t.is(lines.at(-1), 'f#1 | LAST LINE')
    t.true(lines.some((l) => /^f#1 \| \[rayts: 30\.0 MiB of output cut here/.test(l)), 'the marker')
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})
