// Opening the one database: WAL, a busy timeout, owner-only files. A new database is
// made whole under a temporary name and linked into place, so a 0-byte rayts.db is never
// a store being created: it is a truncated one, and is reported as such.
import Database from 'better-sqlite3'
import {chmodSync, existsSync, linkSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {emptyStoreError, folderError, storeErrorFrom} from './errors.js'
import {DB_FILE, storeFile} from './home.js'
import {ensurePrivateDir, raytsHome} from '../core/home.js'
import {ADDED_COLUMNS, MARK_SYNCED, RE_KEYED_TABLES, SCHEMA, SCHEMA_VERSION} from './schema.js'

export interface Store {
  readonly home: string
  readonly db: Database.Database
  /** large values live here, one folder per run */
  readonly blobDir: string
  close(): void
}

export {DB_FILE}

/** Throws a StoreError (naming the file and what to do) when the store cannot be used. */
export function openStore(home: string = raytsHome()): Store {
  const file = storeFile(home)
  const blobDir = join(home, 'blobs')
  for (const dir of [home, blobDir]) {
    try {
      ensurePrivateDir(dir)
    } catch (error) {
      throw folderError(dir, error)
    }
  }
  let db: Database.Database | undefined
  try {
    if (!existsSync(file)) createDatabase(file)
    else if (statSync(file).size === 0 && !hasWal(file)) throw emptyStoreError(file)
    db = new Database(file, {timeout: 10_000})
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    if (db.pragma('user_version', {simple: true}) !== SCHEMA_VERSION) initSchema(db)
    checkTables(db)
  } catch (error) {
    db?.close()
    throw storeErrorFrom(error, home, file) ?? error
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600)
    } catch {
      // not there (yet)
    }
  }
  const opened = db
  return {
    home,
    db: opened,
    blobDir,
    close: () => {
      if (opened.open) opened.close()
    },
  }
}

function initSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(SCHEMA)
    const unsynced = !columnsOf(db, 'runs').includes('synced_seq')
    for (const {table, column, type} of ADDED_COLUMNS) {
      if (!columnsOf(db, table).includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`)
    }
    if (unsynced) db.exec(MARK_SYNCED)
    for (const table of RE_KEYED_TABLES) rekey(db, table)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}

const TABLES = [...SCHEMA.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]!)

/**
 * A table gone (a damaged store) fails here, as SQLite says it (`no such table: instances`),
 * not at the first read of it: a run writes only some of the tables, and its record would
 * be unreadable afterwards. Preparing a statement on each costs ~0.1 ms.
 */
function checkTables(db: Database.Database): void {
  for (const table of TABLES) db.prepare(`SELECT 1 FROM ${table} LIMIT 0`)
}

const columnsOf = (db: Database.Database, table: string): string[] => (db.pragma(`table_info(${table})`) as {name: string}[]).map((c) => c.name)

/** a WITHOUT ROWID table of an older store, rebuilt as SCHEMA makes it now (schema.ts, RE_KEYED_TABLES) */
function rekey(db: Database.Database, table: string): void {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string | undefined
  if (!sql?.includes('WITHOUT ROWID')) return
  const old = `${table}_without_rowid`
  const columns = columnsOf(db, table).join(', ')
  // renamed, the old table takes its indexes along; dropped, it drops them; SCHEMA makes them anew
  db.exec(`ALTER TABLE ${table} RENAME TO ${old}`)
  db.exec(SCHEMA)
  db.exec(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${old}`)
  db.exec(`DROP TABLE ${old}`)
  db.exec(SCHEMA)
}

function hasWal(file: string): boolean {
  try {
    return statSync(`${file}-wal`).size > 0
  } catch {
    return false
  }
}

/**
 * Build the database under a private name (0600, schema in place, WAL mode, free pages
 * handed back on `PRAGMA incremental_vacuum`), then link it to `file`. When another
 * process linked its own first, that one is used.
 */
function createDatabase(file: string): void {
  const temp = `${file}.new-${process.pid}`
  try {
    const db = new Database(temp)
    try {
      chmodSync(temp, 0o600)
      db.pragma('auto_vacuum = INCREMENTAL')
      db.pragma('journal_mode = WAL')
      initSchema(db)
    } finally {
      db.close()
    }
    try {
      linkSync(temp, file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  } finally {
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, {force: true})
  }
}
