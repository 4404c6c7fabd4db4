// The result cache's entries: a `results` row per key, and for a big value or one that holds
// object-store references, a folder of its own under $RAYTS_HOME/cache/results/KEY/ (the
// entry owns its objects: removing the run that computed it keeps them). The folder is
// made whole under a temporary name and renamed into place before the row is inserted, so a
// reader never sees half an entry; two runs storing one key keep the first. A row whose
// bytes no longer match its digest, or whose objects are gone, is a miss and a warning.
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {deserialize, serialize} from 'node:v8'
import {sha256Hex} from '../cache/sha256.js'
import {ensurePrivateDir} from '../core/home.js'
import {collectRefs, fileRefsIn, readObjectBytesOf} from '../objects/read.js'
import {objectId} from '../objects/ref.js'
import {hitUses} from './cache-hits.js'
import type {Store} from './db.js'
import {treeBytes} from './upkeep/remove.js'

/** values up to this many bytes live in the row; bigger ones in the entry's folder */
const INLINE_MAX = 64 * 1024
/**
 * Values up to this many bytes (with no object references) live in small_results, a table of
 * small rows only, which a lookup reaches in one b-tree search: through results' key index
 * and then its rows (wide, and far apart), 100,000 hits took 470 ms of a 3 s fully cached
 * run against 240 ms (a store holding one such run's entries).
 */
const SMALL_MAX = 256
const VALUE_FILE = 'value.v8'

function resultsDir(store: Store): string {
  return join(store.home, 'cache', 'results')
}

export interface EntryOrigin {
  readonly runId: string
  readonly name: string
  readonly task: string
}

/** a hit's `bytes` are its value as stored (v8-serialized: `value` is deserialize(bytes)) */
export type Lookup = {readonly hit: true; readonly value: unknown; readonly bytes: Buffer} | {readonly hit: false; readonly warning?: string}

export interface EntryRecord {
  readonly key: string
  readonly bytes: number
  readonly runId: string
  readonly name: string
  readonly task: string
  readonly createdMs: number
  readonly usedMs: number
}

/** a found row: [index of its key in the batch, value, value_file, digest] */
type Row = [number, Buffer | null, string | null, string]

export class ResultEntries {
  private readonly q

  constructor(private readonly store: Store) {
    const db = store.db
    this.q = {
      // one statement for a batch of lookups: a statement per key cost ~9 µs each (30,000 hits)
      // rows as arrays, and j.key (the key's index in the batch) rather than the key's text:
      // making a row object of 100,000 rows took as long as the query
      // the small rows found come back packed in one row: their indexes, lengths, values
      // (one blob) and digests (one text, 64 digits each), in one order; a Buffer and a
      // string made per hit took 100 ms more of 300 for 100,000 hits (result-cache benchmark)
      small: db.prepare(`WITH found AS (SELECT j.key AS i, s.value AS v, s.digest AS d FROM json_each(?) AS j CROSS JOIN small_results AS s ON s.key = j.value)
        SELECT group_concat(i), group_concat(length(v)), CAST(group_concat(v, '') AS BLOB), group_concat(d, '') FROM found`).raw(),
      smallRows: db.prepare('SELECT j.key, s.value, NULL, s.digest FROM json_each(?) AS j CROSS JOIN small_results AS s ON s.key = j.value').raw(),
      wide: db.prepare('SELECT j.key, r.value, r.value_file, r.digest FROM json_each(?) AS j CROSS JOIN results AS r ON r.key = j.value').raw(),
      insert: db.prepare(`INSERT OR IGNORE INTO results (key, value, value_file, digest, bytes, from_run, name, task, created_ms, used_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertSmall: db.prepare('INSERT OR REPLACE INTO small_results (key, value, digest) VALUES (?, ?, ?)'),
      has: db.prepare('SELECT 1 FROM results WHERE key = ?').pluck(),
    }
  }

  /** the entry's value (its references pointing into the entry's folder), or a miss */
  get(key: string): Lookup {
    return this.getMany([key])[0]!
  }

  /** get() of many keys at once, in their order */
  getMany(keys: readonly string[]): Lookup[] {
    if (keys.length === 0) return []
    const rows: (Row | undefined)[] = new Array(keys.length)
    let found = 0
    const [indexes, lengths, values, digests] = this.q.small.get(JSON.stringify(keys)) as [string | null, string | null, Buffer | null, string | null]
    if (indexes !== null && lengths !== null && values !== null && digests !== null) {
      const at = indexes.split(',')
      const sizes = lengths.split(',')
      if (at.length === sizes.length && digests.length === 64 * at.length && values.length === sizes.reduce((n, x) => n + Number(x), 0)) {
        let offset = 0
        for (let k = 0; k < at.length; k++) {
          const i = Number(at[k])
          const size = Number(sizes[k])
          rows[i] = [i, values.subarray(offset, offset + size), null, digests.slice(k * 64, k * 64 + 64)]
          offset += size
          found++
        }
      } else {
        // (a digest of another length in a damaged store would shift the rest: then row by row)
        for (const row of this.q.smallRows.all(JSON.stringify(keys)) as Row[]) {
          rows[row[0]] = row
          found++
        }
      }
    }
    if (found < keys.length) {
      // the rest: bigger values, an older store's small ones, and misses
      const rest: number[] = []
      for (let i = 0; i < keys.length; i++) if (rows[i] === undefined) rest.push(i)
      for (const row of this.q.wide.all(JSON.stringify(rest.map((i) => keys[i]))) as Row[]) {
        row[0] = rest[row[0]]!
        rows[row[0]] = row
      }
    }
    const out: Lookup[] = new Array(keys.length)
    for (let i = 0; i < keys.length; i++) out[i] = this.read(keys[i]!, rows[i])
    return out
  }

  private read(key: string, row: Row | undefined): Lookup {
    if (!row) return {hit: false}
    const [, inline, file, digest] = row
    const dir = inline === null ? join(resultsDir(this.store), key) : '' // made when needed: most entries are inline
    try {
      const bytes = inline ?? (file ? readFileSync(join(dir, file)) : null)
      if (!bytes) throw new Error('it holds no value')
      if (sha256(bytes) !== digest) throw new Error('its value does not match its digest')
      const value = deserialize(bytes)
      // (a primitive holds no references: most hits, and no walk for them)
      if (value !== null && typeof value === 'object') for (const ref of collectRefs(value).values()) {
        const file = join(dir || join(resultsDir(this.store), key), objectId(ref))
        if (!existsSync(file) || statSync(file).size !== ref.size) throw new Error(`its object ${objectId(ref)} is missing or cut short`)
      }
      return {hit: true, value, bytes}
    } catch (error) {
      // gone, so that the run computing it again stores it anew (only this row: not one stored meanwhile)
      if (deleteEntry(this.store, key, digest)) rmSync(join(resultsDir(this.store), key), {recursive: true, force: true})
      return {hit: false, warning: `cache entry ${key.slice(0, 12)} is damaged (${(error as Error).message}): running the task instead`}
    }
  }

  /**
   * put() each of `puts` in one transaction (a commit per entry cost 40 µs each: 100,000
   * entries took three times the run); `failed` is told of each that could not be stored.
   * Should the transaction itself fail, each is put on its own.
   */
  putMany(puts: readonly {key: string; value: unknown; origin: EntryOrigin; at?: number}[], failed: (i: number, error: Error) => void): void {
    // in key order: each insert lands next to the last in the key index and small_results
    const order = puts.map((_, i) => i).sort((a, b) => (puts[a]!.key < puts[b]!.key ? -1 : puts[a]!.key > puts[b]!.key ? 1 : 0))
    const each = (): void => {
      for (const i of order) {
        const p = puts[i]!
        try {
          this.put(p.key, p.value, p.origin, p.at)
        } catch (error) {
          failed(i, error as Error)
        }
      }
    }
    try {
      this.store.db.transaction(each)()
    } catch {
      each()
    }
  }

  /** whether an entry is stored for `key` */
  has(key: string): boolean {
    return this.q.has.get(key) !== undefined
  }

  /**
   * Store `value` under `key` unless an entry is there already. Its object-store references
   * are copied into the entry's folder, so the entry does not depend on the run.
   */
  put(key: string, value: unknown, origin: EntryOrigin, now = Date.now()): void {
    const refs = collectRefs(value)
    // (the folder's path only for an entry that has one: two path.join per put were 0.1 s
    // of a run filling 100,000 entries)
    // each object a file of the entry's own (one in an arena too): the entry outlives its run
    const stored = refs.size > 0 ? fileRefsIn(value, join(resultsDir(this.store), key)) : value
    const bytes = serialize(stored)
    const inline = bytes.length <= INLINE_MAX
    let size = bytes.length
    if (refs.size > 0 || !inline) {
      if (this.has(key)) return // (an inline entry needs no look first: the insert keeps the first)
      const root = resultsDir(this.store)
      const dir = join(root, key)
      ensurePrivateDir(root)
      const tmp = join(root, `.tmp-${key}-${process.pid}-${Math.random().toString(36).slice(2)}`)
      mkdirSync(tmp, {mode: 0o700})
      try {
        for (const [id, ref] of refs) writeFileSync(join(tmp, id), readObjectBytesOf(ref), {mode: 0o600})
        if (!inline) writeFileSync(join(tmp, VALUE_FILE), bytes, {mode: 0o600})
        size = treeBytes(tmp) + (inline ? bytes.length : 0)
        try {
          renameSync(tmp, dir)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error
          // The folder is there: another run's, whose entry stands, or this put's own, left
          // by a putMany transaction that rolled back (each is then put again on its own),
          // whose row is still to be written. Only a folder holding exactly what this row
          // describes (these objects, under this run's ids; this value file) gets it.
          if (!holds(dir, refs.keys(), inline ? null : bytes)) return
        }
      } finally {
        rmSync(tmp, {recursive: true, force: true})
      }
    }
    const digest = sha256(bytes)
    const small = refs.size === 0 && bytes.length <= SMALL_MAX
    // (the small row only with the results row this put made: never beside another run's entry)
    const made = this.q.insert.run(key, inline && !small ? bytes : null, inline ? null : VALUE_FILE, digest, size, origin.runId, origin.name, origin.task, now, now).changes > 0
    if (made && small) this.q.insertSmall.run(key, bytes, digest)
  }
}

/**
 * When each entry was last used: stored, or reused by a run (the run's cache_hits rows, or
 * in a store of schema 3 its cache_keys rows; a hit writes nothing more, so that 100,000
 * hits cost no 100,000 updates), oldest first.
 */
export function entriesByLastUse(store: Store): {key: string; at: number}[] {
  const entries = store.db
    .prepare(`SELECT r.key AS key, MAX(r.used_ms, COALESCE(u.at, 0)) AS at FROM results r
      LEFT JOIN (SELECT k.key AS key, MAX(runs.started_ms) AS at FROM cache_keys k JOIN runs ON runs.id = k.run_id GROUP BY k.key) u ON u.key = r.key`)
    .all() as {key: string; at: number}[]
  const byKey = new Map(entries.map((e) => [e.key, e]))
  for (const use of hitUses(store)) {
    const e = byKey.get(use.key)
    if (e && use.at > e.at) e.at = use.at
  }
  return entries.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

export function listEntries(store: Store): EntryRecord[] {
  const used = new Map(entriesByLastUse(store).map((e) => [e.key, e.at]))
  const rows = store.db.prepare('SELECT key, bytes, from_run, name, task, created_ms, used_ms FROM results').all() as Record<string, unknown>[]
  return rows.map((r) => ({
    key: r.key as string,
    bytes: Number(r.bytes),
    runId: r.from_run as string,
    name: r.name as string,
    task: r.task as string,
    createdMs: Number(r.created_ms),
    usedMs: used.get(r.key as string) ?? Number(r.used_ms),
  })).sort((a, b) => b.usedMs - a.usedMs)
}

/** remove entries (row first, then folder: a reader that got the row reads a whole folder or fails cleanly) */
export function removeEntries(store: Store, keys: readonly string[]): number {
  let n = 0
  for (const key of keys) {
    if (!/^[0-9a-f]{64}$/.test(key)) continue
    if (deleteEntry(store, key)) n++
    rmSync(join(resultsDir(store), key), {recursive: true, force: true})
  }
  return n
}

/**
 * an entry's rows (its results row and its small_results row), in one transaction; with
 * `digest`, only rows holding that digest (not an entry another run stored meanwhile).
 * Whether its results row was there.
 */
function deleteEntry(store: Store, key: string, digest?: string): boolean {
  const where = digest === undefined ? 'key = ?' : 'key = ? AND digest = ?'
  const args = digest === undefined ? [key] : [key, digest]
  return store.db.transaction(() => {
    store.db.prepare(`DELETE FROM small_results WHERE ${where}`).run(...args)
    return store.db.prepare(`DELETE FROM results WHERE ${where}`).run(...args).changes > 0
  })()
}

/** every entry, and anything left in cache/results (the internal caches beside it are kept) */
export function clearEntries(store: Store): number {
  const n = store.db.transaction(() => {
    store.db.prepare('DELETE FROM small_results').run()
    return store.db.prepare('DELETE FROM results').run().changes
  })()
  rmSync(resultsDir(store), {recursive: true, force: true})
  return n
}

/** the entries whose key starts with `prefix` (a usage error when none or several match is the caller's) */
export function entriesWithPrefix(store: Store, prefix: string): string[] {
  if (!/^[0-9a-f]+$/.test(prefix)) return []
  return store.db.prepare('SELECT key FROM results WHERE key >= ? AND key < ? ORDER BY key').pluck().all(prefix, `${prefix}g`) as string[]
}

const sha256 = sha256Hex

/** whether the entry folder `dir` holds the objects `ids` and, unless null, exactly `valueBytes` as its value file */
function holds(dir: string, ids: Iterable<string>, valueBytes: Buffer | null): boolean {
  for (const id of ids) if (!existsSync(join(dir, id))) return false
  if (valueBytes === null) return true
  try {
    return readFileSync(join(dir, VALUE_FILE)).equals(valueBytes)
  } catch {
    return false
  }
}
