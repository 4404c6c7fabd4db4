// Schema 3 added the result cache's tables: a store of schema 2 gets them when it is opened.
import test from 'ava'
import Database from 'better-sqlite3'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DB_FILE, openStore} from '../../src/store/index.js'
import {SCHEMA_VERSION} from '../../src/store/schema.js'
import {listEntries, ResultEntries} from '../../src/store/result-cache.js'

test('a schema-2 store opens with the result cache tables, keeping its runs', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-migrate-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  openStore(home).close()
  const old = new Database(join(home, DB_FILE))
  for (const table of ['results', 'cache_keys', 'cache_modules']) old.exec(`DROP TABLE ${table}`)
  old.prepare("INSERT INTO runs (id, state, host, created_ms) VALUES ('r1', 'succeeded', 'h', 1)").run()
  old.pragma('user_version = 2')
  old.close()

  const store = openStore(home)
  t.teardown(() => store.close())
  t.is(store.db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
  t.is(store.db.prepare('SELECT id FROM runs').pluck().get(), 'r1')
  const entries = new ResultEntries(store)
  entries.put('a'.repeat(64), {x: [1, 2n]}, {runId: 'r1', name: 'x', task: 'x'})
  const got = entries.get('a'.repeat(64))
  t.true(got.hit)
  t.deepEqual(got.hit && got.value, {x: [1, 2n]})
  t.is(listEntries(store)[0]!.runId, 'r1')
  t.is(listEntries(store).length, 1)
})
