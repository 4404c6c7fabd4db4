// A first read of every table, for a long-lived reader (the dashboard) that should refuse a
// damaged store at its start rather than answer each request with an error. Throws what
// SQLite throws (the CLI turns it into a StoreError that names the file and what to do).
import type {Store} from '../db.js'
import {SCHEMA} from '../schema.js'

const TABLES = [...SCHEMA.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]!)

export function probeStore(store: Store): void {
  for (const table of TABLES) store.db.prepare(`SELECT * FROM "${table}" LIMIT 1`).get()
}
