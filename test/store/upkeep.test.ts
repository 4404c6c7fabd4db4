// Store upkeep (issue 11 item 13): rayts rm, rayts prune, and the size budget of
// $RAYTS_HOME, on a real store with runs recorded the way the runtime records them.
import test from 'ava'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {newRunId, openStore, recordRun, type Store} from '../../src/store/index.js'
import {readBudget, storeBytes} from '../../src/store/upkeep/home-budget.js'
import {processStartTime} from '../../src/store/upkeep/processes.js'
import {tempCli} from '../cli/helpers.js'
import {instancesOf, META, SyntheticRun} from './helpers.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

const MiB = 1024 * 1024

/** A finished run with a log line, a small value and a `fileBytes` value (a file when > 1 MiB). */
function recordFinished(store: Store, fileBytes: number, endedAgoMs = 0): string {
  const run = new SyntheticRun(newRunId(), instancesOf({a: null, big: null}), ['big'])
  recordRun(store, run.events, META)
  run.start()
  run.emit({type: 'log', t: 1, inst: run.idx('a'), attempt: 1, stream: 'stdout', text: 'hello'})
  run.succeed('a', 42)
  run.succeed('big', Buffer.alloc(fileBytes, 1))
  run.end()
  if (endedAgoMs > 0) store.db.prepare('UPDATE runs SET ended_ms = ?, created_ms = ? WHERE id = ?').run(Date.now() - endedAgoMs, Date.now() - endedAgoMs, run.runId)
  return run.runId
}

/** A run that is running: its process (this test) is alive. */
function recordRunning(store: Store): string {
  const id = newRunId()
  store.db
    .prepare("INSERT INTO runs (id, file, state, pid, pid_start, host, session, created_ms, started_ms, heartbeat_ms) VALUES (?, 'g.yaml', 'running', ?, ?, ?, 1, ?, ?, ?)")
    .run(id, process.pid, processStartTime(process.pid), hostname(), Date.now() - 86_400_000, Date.now() - 86_400_000, Date.now())
  store.db.prepare("INSERT INTO logs (run_id, session, name, attempt, stream, t, text) VALUES (?, 1, 'a', 1, 'stdout', 0, 'still going')").run(id)
  return id
}

/** How many rows `runId` has in each table that holds runs' rows. */
function rowsOf(store: Store, runId: string): Record<string, number> {
  syncInstanceRows(store, runId)
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
  const out: Record<string, number> = {}
  for (const t of tables) {
    const cols = store.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[]
    const col = t === 'runs' ? 'id' : cols.includes('run_id') ? 'run_id' : null
    if (col) out[t] = Number(store.db.prepare(`SELECT COUNT(*) FROM "${t}" WHERE ${col} = ?`).pluck().get(runId))
  }
  return out
}

const total = (rows: Record<string, number>): number => Object.values(rows).reduce((a, b) => a + b, 0)

test.serial('rm RUN...: every row and file of each run goes; a running run is refused and nothing is removed', async (t) => {
  t.timeout(600_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(cleanup)
  const store = openStore(home)
  const a = recordFinished(store, 2 * MiB)
  const b = recordFinished(store, 10)
  const keep = recordFinished(store, 2 * MiB)
  const running = recordRunning(store)
  const rowsOfA = rowsOf(store, a)
  const rowsOfKeep = rowsOf(store, keep)
  // the run, its two instances, its log line and its events are all rows of the run
  for (const rows of [rowsOfA, rowsOfKeep]) t.like(rows, {runs: 1, instances: 2, logs: 1})
  t.true(rowsOfA.events! >= 1)
  t.true(existsSync(join(home, 'blobs', a)))
  store.close()

  const refused = await cli(['rm', a, running])
  t.is(refused.exitCode, 2)
  t.is(String(refused.stderr), `Error: run ${running} is running: stop it first (rayts cancel ${running}), then remove it`)
  const unknown = await cli(['rm', a, 'nosuchrun'])
  t.is(unknown.exitCode, 2)
  t.regex(String(unknown.stderr), /^Error: no run nosuchrun in /)

  const check = openStore(home)
  t.deepEqual(rowsOf(check, a), rowsOfA, 'nothing removed after a refusal')
  check.close()

  const r = await cli(['rm', a, b, '--json'])
  t.is(r.exitCode, 0, String(r.stderr))
  const out = JSON.parse(String(r.stdout)) as {removed: {id: string; state: string; fileBytes: number}[]}
  t.deepEqual(out.removed.map((x) => x.id), [a, b])
  t.true(out.removed[0]!.fileBytes > 2 * MiB)

  const after = openStore(home)
  t.teardown(() => after.close())
  t.deepEqual(Object.values(rowsOf(after, a)).filter((n) => n > 0), [])
  t.is(total(rowsOf(after, b)), 0)
  t.false(existsSync(join(home, 'blobs', a)))
  t.deepEqual(rowsOf(after, keep), rowsOfKeep)
  t.true(existsSync(join(home, 'blobs', keep)))
  t.true(total(rowsOf(after, running)) > 0)

  const last = await cli(['rm', 'last'])
  t.is(last.exitCode, 0, String(last.stderr))
  t.is(String(last.stdout), `removed ${keep} (succeeded)`)
})

test.serial('prune --keep N and --older-than D remove finished runs only, oldest first', async (t) => {
  t.timeout(600_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(cleanup)
  const store = openStore(home)
  const old1 = recordFinished(store, 10, 3 * 3_600_000)
  const old2 = recordFinished(store, 10, 2 * 3_600_000)
  const recent1 = recordFinished(store, 10, 60_000)
  const running = recordRunning(store)
  const recent2 = recordFinished(store, 10)
  store.close()

  const dry = await cli(['prune', '--older-than', '1h', '--dry-run'])
  t.is(dry.exitCode, 0, String(dry.stderr))
  t.is(String(dry.stdout), `would remove ${old1} (succeeded)\nwould remove ${old2} (succeeded)`)
  const older = await cli(['prune', '--older-than', '1h'])
  t.is(String(older.stdout), `removed ${old1} (succeeded)\nremoved ${old2} (succeeded)`)
  const keep = await cli(['prune', '--keep', '1', '--json'])
  t.is(keep.exitCode, 0, String(keep.stderr))
  t.deepEqual((JSON.parse(String(keep.stdout)) as {removed: {id: string}[]}).removed.map((r) => r.id), [recent1])
  const none = await cli(['prune', '--keep', '1'])
  t.is(String(none.stderr), 'no runs to remove')

  const list = await cli(['list', '--json'])
  t.deepEqual((JSON.parse(String(list.stdout)) as {id: string}[]).map((r) => r.id).sort(), [recent2, running].sort())
  const both = await cli(['prune', '--keep', '1', '--older-than', '1h'])
  t.is(both.exitCode, 2)
})

test('RAYTS_HOME_BUDGET: sizes (1GB is 2^30 bytes, as everywhere), off, and a bad value is refused', (t) => {
  t.deepEqual(readBudget({}), {bytes: 1024 ** 3})
  t.deepEqual(readBudget({RAYTS_HOME_BUDGET: '500MiB'}), {bytes: 500 * MiB})
  t.deepEqual(readBudget({RAYTS_HOME_BUDGET: '2G'}), {bytes: 2 * 1024 ** 3})
  t.deepEqual(readBudget({RAYTS_HOME_BUDGET: '1.5GB'}), {bytes: 1.5 * 1024 ** 3})
  t.deepEqual(readBudget({RAYTS_HOME_BUDGET: '4096'}), {bytes: 4096})
  t.deepEqual(readBudget({RAYTS_HOME_BUDGET: 'off'}), {bytes: null})
  for (const bad of ['lots', '-5', '0', '1.5m3']) {
    t.throws(() => readBudget({RAYTS_HOME_BUDGET: bad}), {name: 'UsageError', message: new RegExp(`^RAYTS_HOME_BUDGET: expected off, or a size greater than 0: .*; got "${bad.replace('.', '\\.')}"$`)})
  }
})

test.serial('over its budget, the end of a run removes the oldest finished runs (never the newest, never a running one) and says so', async (t) => {
  t.timeout(600_000)
  const {cli, home, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const store = openStore(home)
  const running = recordRunning(store)
  const oldest = [recordFinished(store, 3 * MiB, 5000), recordFinished(store, 3 * MiB, 4000), recordFinished(store, 3 * MiB, 3000)]
  const newer = recordFinished(store, 3 * MiB, 2000)
  t.true(storeBytes(store) > 12 * MiB)
  store.close()
  mkdirSync(join(base, 'g'))
  const graph = join(base, 'g', 'echo.yaml')
  writeFileSync(graph, 'version: 1\nname: echo\ntasks:\n  hi: { cmd: "echo hi" }\noutputs: [hi]\n')

  const r = await cli(['run', graph], {RAYTS_HOME_BUDGET: '7MiB'})
  t.is(r.exitCode, 0, String(r.stderr))
  const warning = String(r.stderr).split('\n').find((l) => l.startsWith('Warning: '))
  t.regex(
    warning ?? '',
    new RegExp(`^Warning: the run store \\S+ held \\d+(\\.\\d)? MiB, over its budget of 7 MiB \\(RAYTS_HOME_BUDGET\\): removed the 2 oldest finished runs \\(${oldest[0]}, ${oldest[1]}\\); it holds \\d+(\\.\\d)? MiB now\\.$`),
  )
  const after = openStore(home)
  t.teardown(() => after.close())
  t.true(storeBytes(after) <= 7 * MiB)
  for (const id of oldest.slice(0, 2)) t.is(total(rowsOf(after, id)), 0)
  for (const id of [oldest[2]!, newer, running]) t.true(total(rowsOf(after, id)) > 0, id)

  // nothing left to remove but the newest finished run and a running one: it says so
  const tight = await cli(['run', graph], {RAYTS_HOME_BUDGET: '10KiB'})
  t.is(tight.exitCode, 0, String(tight.stderr))
  t.regex(String(tight.stderr), /Warning: .*removed the 3 oldest finished runs .*; it still holds \S+ \S+: remove runs \(rayts rm, rayts prune\) or raise RAYTS_HOME_BUDGET\./)
  const list = await cli(['list', '--json'])
  t.is((JSON.parse(String(list.stdout)) as unknown[]).length, 2, 'the newest finished run and the running one')

  const quiet = await cli(['list'], {RAYTS_HOME_BUDGET: '10KiB'})
  t.notRegex(String(quiet.stderr), /Warning/, 'only run and submit check the budget')
})
