// Schema 5: instances and results are rowid tables (store/schema.ts, RE_KEYED_TABLES). A store
// of schema 4, where both were WITHOUT ROWID, has them rebuilt when it is opened: every row and
// column kept, the indexes made again, and the writes that name the key still work.
import test from 'ava'
import Database from 'better-sqlite3'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DB_FILE, openStore} from '../../src/store/index.js'
import {RE_KEYED_TABLES, SCHEMA, SCHEMA_VERSION} from '../../src/store/schema.js'
import {ResultEntries} from '../../src/store/result-cache.js'

/** SCHEMA as version 4 wrote it: the re-keyed tables WITHOUT ROWID */
function schema4(): string {
  let sql = SCHEMA
  for (const table of RE_KEYED_TABLES) {
    const start = sql.indexOf(`CREATE TABLE IF NOT EXISTS ${table} (`)
    const end = sql.indexOf('\n);', start)
    sql = `${sql.slice(0, end)}\n) WITHOUT ROWID;${sql.slice(end + 3)}`
  }
  return sql
}

const tableSql = (db: Database.Database, table: string): string => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string

test('a schema-4 store opens with instances and results as rowid tables, every row kept', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-rekey-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  const old = new Database(join(home, DB_FILE))
  old.pragma('journal_mode = WAL')
  old.exec(schema4())
  t.true(tableSql(old, 'instances').includes('WITHOUT ROWID'), 'the old shape was made')
  old.prepare("INSERT INTO runs (id, state, host, created_ms) VALUES ('r1', 'succeeded', 'h', 1)").run()
  const insert = old.prepare(`INSERT INTO instances (run_id, name, idx, task, findex, ord, state, session, value, has_value, deps, error)
    VALUES ('r1', ?, ?, 't', ?, ?, 'succeeded', 1, ?, 1, ?, ?)`)
  // a big row among them: the deps of a fan-in and a value that overflows its page
  const big = JSON.stringify(Array.from({length: 20_000}, (_, i) => i))
  for (let i = 0; i < 300; i++) insert.run(`t[${i}]`, i, i, i, Buffer.from([i % 256, 7]), i === 150 ? big : null, i === 3 ? '{"name":"E"}' : null)
  old.prepare("INSERT INTO results (key, value, digest, bytes, from_run, name, task, created_ms, used_ms) VALUES (?, ?, 'd', 3, 'r1', 't[0]', 't', 1, 1)").run('k'.repeat(64), Buffer.alloc(70_000, 1))
  old.pragma('user_version = 4')
  old.close()

  const store = openStore(home)
  t.teardown(() => store.close())
  const db = store.db
  t.is(db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
  for (const table of RE_KEYED_TABLES) t.false(tableSql(db, table).includes('WITHOUT ROWID'), `${table} is a rowid table`)
  t.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%without_rowid'").pluck().all(), [], 'the old tables are gone')
  t.truthy(db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'instances_task' AND tbl_name = 'instances'").get(), 'its index made again')
  t.is(db.prepare('SELECT COUNT(*) FROM instances').pluck().get(), 300)
  t.is(db.prepare("SELECT deps FROM instances WHERE run_id = 'r1' AND name = 't[150]'").pluck().get(), big)
  t.is(db.prepare("SELECT error FROM instances WHERE run_id = 'r1' AND name = 't[3]'").pluck().get(), '{"name":"E"}')
  t.deepEqual(db.prepare("SELECT value FROM instances WHERE run_id = 'r1' AND name = 't[9]'").pluck().get(), Buffer.from([9, 7]))
  t.is((db.prepare('SELECT value FROM results WHERE key = ?').pluck().get('k'.repeat(64)) as Buffer).length, 70_000)

  // the key still refuses a second row, and the upsert the recorder makes still finds it
  t.throws(() => db.prepare("INSERT INTO instances (run_id, name, idx, task, ord, state, session) VALUES ('r1', 't[0]', 0, 't', 0, 'pending', 2)").run(), {any: true, code: 'SQLITE_CONSTRAINT_PRIMARYKEY'})
  db.prepare(`INSERT INTO instances (run_id, name, idx, task, ord, state, session) VALUES ('r1', 't[0]', 0, 't', 0, 'pending', 2)
    ON CONFLICT (run_id, name) DO UPDATE SET session = excluded.session`).run()
  t.is(db.prepare("SELECT session FROM instances WHERE run_id = 'r1' AND name = 't[0]'").pluck().get(), 2)
  const entries = new ResultEntries(store)
  entries.put('a'.repeat(64), [1, 2n], {runId: 'r1', name: 'x', task: 'x'})
  entries.put('a'.repeat(64), 'second put is ignored', {runId: 'r1', name: 'x', task: 'x'})
  const got = entries.get('a'.repeat(64))
  t.deepEqual(got.hit && got.value, [1, 2n])
})

test('opening a schema-5 store again rebuilds nothing', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-rekey-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  openStore(home).close()
  const first = new Database(join(home, DB_FILE))
  const before = RE_KEYED_TABLES.map((table) => tableSql(first, table))
  // an older rayts that opened it set the version back: it is brought up again, as it is
  first.pragma('user_version = 4')
  first.close()
  const store = openStore(home)
  t.teardown(() => store.close())
  t.deepEqual(RE_KEYED_TABLES.map((table) => tableSql(store.db, table)), before)
  t.is(store.db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
})
