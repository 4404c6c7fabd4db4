// Opening the one database: WAL, a busy timeout, owner-only files.
import Database from 'better-sqlite3'
import {chmodSync, closeSync, existsSync, openSync} from 'node:fs'
import {join} from 'node:path'
import {ensurePrivateDir, raytsHome} from './home.js'
import {SCHEMA, SCHEMA_VERSION} from './schema.js'

export interface Store {
  readonly home: string
  readonly db: Database.Database
  /** large values live here, one folder per run */
  readonly blobDir: string
  close(): void
}

export const DB_FILE = 'rayts.db'

export function openStore(home: string = raytsHome()): Store {
  ensurePrivateDir(home)
  const blobDir = join(home, 'blobs')
  ensurePrivateDir(blobDir)
  const file = join(home, DB_FILE)
  // Create the file 0600 ourselves: SQLite gives the -wal and -shm files the db's mode.
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  const db = new Database(file, {timeout: 10_000})
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  if (db.pragma('user_version', {simple: true}) !== SCHEMA_VERSION) {
    db.transaction(() => {
      db.exec(SCHEMA)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    }).immediate()
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600)
    } catch {
      // not there (yet)
    }
  }
  return {
    home,
    db,
    blobDir,
    close: () => {
      if (db.open) db.close()
    },
  }
}
