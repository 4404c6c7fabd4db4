// A store that cannot be used says which file and what to do, exit 2, no SqliteError
// and no stack (issue 12 item 8): damaged, truncated to 0 bytes, read-only, uncreatable.
import test from 'ava'
import {execFileSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {openStore} from '../../src/store/index.js'
import {hasStackOrOtherStyle, tempCli} from '../cli/helpers.js'
import {dropHotFolders} from '../setup/hot-folders.js'

const GRAPH = 'graphs/arrays.yaml'

function expectStoreError(t: import('ava').ExecutionContext, r: {exitCode?: number; stderr: unknown}, what: RegExp): void {
  const stderr = String(r.stderr)
  t.is(r.exitCode, 2, stderr)
  t.regex(stderr, what)
  t.false(hasStackOrOtherStyle(stderr), stderr)
  t.is(stderr.split('\n').length, 1, stderr)
}

/** A store with a few runs in it, made through the store API. */
function seedStore(home: string): void {
  const store = openStore(home)
  try {
    const insert = store.db.prepare("INSERT INTO runs (id, file, state, host, session, created_ms) VALUES (?, 'g.yaml', 'succeeded', 'h', 1, ?)")
    for (let i = 0; i < 200; i++) insert.run(`run${i}`, Date.now() - i)
    const log = store.db.prepare("INSERT INTO logs (run_id, session, name, attempt, stream, t, text) VALUES (?, 1, 'a', 1, 'stdout', 0, ?)")
    for (let i = 0; i < 2000; i++) log.run(`run${i % 200}`, 'x'.repeat(200))
  } finally {
    store.close()
  }
}

test.serial('a damaged database (a page overwritten, or not SQLite at all): list, submit and dashboard name it, exit 2', async (t) => {
  t.timeout(600_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(cleanup)
  seedStore(home)
  const file = join(home, 'rayts.db')
  // keep the header (page 1), overwrite pages in the middle: SQLite reports SQLITE_CORRUPT on use
  const fd = openSync(file, 'r+')
  const junk = Buffer.alloc(statSync(file).size - 8192, 0xa5)
  writeSync(fd, junk, 0, junk.length, 4096)
  closeSync(fd)
  const escaped = file.replaceAll('/', '\\/')
  for (const args of [['list'], ['submit', GRAPH], ['status', 'last'], ['dashboard']]) {
    const r = await cli(args)
    expectStoreError(t, r, new RegExp(`^Error: the run store ${escaped} is damaged \\(SQLITE_(CORRUPT|NOTADB)[^)]*\\)\\. Move it aside \\(mv ${escaped} ${escaped}\\.bad\\)`))
  }
  writeFileSync(file, Buffer.alloc(100_000, 0x42))
  expectStoreError(t, await cli(['list']), /^Error: the run store \S+ is damaged \(SQLITE_NOTADB: file is not a database\)/)
})

test.serial('a database truncated to 0 bytes is not shown as an empty store', async (t) => {
  t.timeout(600_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(cleanup)
  seedStore(home)
  const file = join(home, 'rayts.db')
  writeFileSync(file, '')
  for (const args of [['list'], ['submit', GRAPH]]) {
    expectStoreError(t, await cli(args), new RegExp(`^Error: the run store ${file.replaceAll('/', '\\/')} is empty \\(0 bytes\\).*Remove it \\(rm `))
  }
  t.is(statSync(file).size, 0, 'left as it was')
})

test.serial('a new store is whole before it is there: a fresh home lists "no runs yet"', async (t) => {
  t.timeout(600_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(cleanup)
  const r = await cli(['list'])
  t.is(r.exitCode, 0, String(r.stderr))
  t.regex(String(r.stderr), /^no runs yet in /)
  t.true(statSync(join(home, 'rayts.db')).size > 0)
  t.is((statSync(join(home, 'rayts.db')).mode & 0o777), 0o600)
})

test.serial('RAYTS_HOME under a regular file: the folder cannot be made, and why', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  writeFileSync(join(base, 'plain'), 'x')
  const home = join(base, 'plain', 'home')
  for (const args of [['list'], ['submit', GRAPH]]) {
    const r = await cli(args, {RAYTS_HOME: home})
    expectStoreError(t, r, new RegExp(`^Error: cannot create the run store folder ${home.replaceAll('/', '\\/')}: \\S+/plain is a file, not a folder\\. Set RAYTS_HOME`))
  }
})

/** A tmpfs at `dir`, read-only, with `fill` run on it first; false when mounting is not permitted. */
function readOnlyMount(dir: string, fill?: (dir: string) => void): boolean {
  mkdirSync(dir, {recursive: true})
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], {stdio: 'ignore'})
  } catch {
    return false
  }
  fill?.(dir)
  execFileSync('mount', ['-o', 'remount,ro', dir], {stdio: 'ignore'})
  return true
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], {stdio: 'ignore'})
  } catch {
    // not mounted
  }
}

test.serial('a read-only file system: no folder can be made there, and a store there cannot be written', async (t) => {
  t.timeout(600_000)
  const {cli, base, cleanup} = tempCli()
  const empty = join(base, 'ro-empty')
  const full = join(base, 'ro-store')
  t.teardown(() => {
    unmount(empty)
    unmount(full)
    cleanup()
  })
  if (!readOnlyMount(empty)) {
    t.log('mount is not permitted here: the read-only file system cases are skipped')
    t.pass()
    return
  }
  const home = join(empty, 'home')
  for (const args of [['list'], ['submit', GRAPH]]) {
    const r = await cli(args, {RAYTS_HOME: home})
    expectStoreError(t, r, new RegExp(`^Error: cannot create the run store folder ${home.replaceAll('/', '\\/')}: ${empty.replaceAll('/', '\\/')} is on a read-only file system\\. Set RAYTS_HOME`))
    t.notRegex(String(r.stderr), /ENOENT/)
  }
  t.true(readOnlyMount(full, (dir) => seedStore(join(dir, 'home'))))
  for (const args of [['list'], ['submit', GRAPH]]) {
    const r = await cli(args, {RAYTS_HOME: join(full, 'home')})
    expectStoreError(t, r, /^Error: the run store \S+\/home\/rayts\.db cannot be written \(SQLITE_\w+: [^)]*\)\. Make \S+\/home writable, or set RAYTS_HOME to another folder\.$/)
  }
})

test.serial('rayts run on a damaged store (a table gone): exit 2, and no empty folder left in /dev/shm per try; the dashboard refuses to start', async (t) => {
  t.timeout(300_000)
  const {cli, home, cleanup} = tempCli()
  t.teardown(() => {
    dropHotFolders(home)
    cleanup()
  })
  seedStore(home)
  const db = new (await import('better-sqlite3')).default(join(home, 'rayts.db'))
  db.exec('DROP TABLE instances')
  db.close()
  for (let i = 0; i < 2; i++) {
    const r = await cli(['run', GRAPH])
    expectStoreError(t, r, /^Error: the run store \S+ failed \(SQLITE_ERROR: no such table: instances\)/)
  }
  // the dashboard refuses to start on it (it answered every request with a 500)
  expectStoreError(t, await cli(['dashboard'], {}, {timeout: 60_000}), /^Error: the run store \S+ failed \(SQLITE_ERROR: no such table: instances\)/)
  // each hot folder has a pointer file from its making until it is removed
  const live = join(home, 'objects-live')
  t.deepEqual(existsSync(live) ? readdirSync(live) : [], [], 'no hot folder left behind')
})
