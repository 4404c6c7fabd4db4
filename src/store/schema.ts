// The store's tables. Instances are keyed by name (`ID`, `ID[2]`), not by the runtime's
// index, so a resumed run (whose dynamic instances may be numbered differently) lines up.
// `session` counts run-starts of one run: 1, then 2 after the first resume, and so on.
// Version 2 added instances.deps; ADDED_COLUMNS brings a version-1 store up to date.
// Version 3 added the result cache (results, cache_keys, cache_modules; new tables only, so
// an older store gets them when it is opened).
// Version 4 added cache_hits (a new table: an older store gets it when it is opened; its
// hits' cache_keys rows are still read, see cache-hits.ts).
// Version 5 made instances and results rowid tables (RE_KEYED_TABLES, below).
// Version 6 added small_results (a new table; an older store's entries keep their values in
// results, where a lookup still finds them: result-cache.ts).
// Version 7 made the events rows the run's record and the instance rows a view of it, brought
// up to date by readers (record/instance-rows.ts): events.vals, vmeta and defs; runs.synced_seq
// and synced_ord; an index of instances by (run_id, session, idx). A store made before it has
// every run marked synced when it is opened (its rows were written with its events).
export const SCHEMA_VERSION = 7

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id           TEXT PRIMARY KEY,
  graph        TEXT,
  file         TEXT,
  state        TEXT NOT NULL,      -- submitted | running | succeeded | failed | cancelled | lost
  pid          INTEGER,
  pid_start    TEXT,               -- the process's start time (/proc), against pid reuse
  host         TEXT NOT NULL,
  session      INTEGER NOT NULL DEFAULT 0,
  created_ms   INTEGER NOT NULL,
  started_ms   INTEGER,            -- first run-start
  resumed_ms   INTEGER,            -- latest run-start, when it was a resume
  ended_ms     INTEGER,
  heartbeat_ms INTEGER,
  wall_ms      INTEGER,            -- wall clock at t0 of the latest session
  t0           INTEGER,            -- monotonic micros of the latest run-start
  capacity     TEXT,               -- JSON
  outputs      TEXT,               -- JSON list of task ids
  meta         TEXT,               -- JSON RunMeta: how to run it again
  synced_seq   INTEGER NOT NULL DEFAULT 0, -- the last events row whose changes the instance rows hold
  synced_ord   INTEGER NOT NULL DEFAULT 0  -- the next instance row's ord
);
CREATE TABLE IF NOT EXISTS instances (
  run_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  idx        INTEGER NOT NULL,     -- the runtime's index in the latest session
  task       TEXT NOT NULL,
  findex     INTEGER,              -- foreach index
  ord        INTEGER NOT NULL,     -- order of first appearance
  state      TEXT NOT NULL,
  attempt    INTEGER NOT NULL DEFAULT 0,
  pid        INTEGER,
  session    INTEGER NOT NULL,
  started_t  INTEGER,
  ended_t    INTEGER,
  error      TEXT,                 -- JSON TaskFailure
  value      BLOB,                 -- v8.serialize, when small
  value_file TEXT,                 -- file name under blobs/RUN/, when large
  has_value  INTEGER NOT NULL DEFAULT 0,
  deps       TEXT,                 -- JSON list of the idx it waits for; null when none
  PRIMARY KEY (run_id, name)
);
CREATE INDEX IF NOT EXISTS instances_task ON instances (run_id, task);
CREATE INDEX IF NOT EXISTS instances_idx ON instances (run_id, session, idx);
CREATE TABLE IF NOT EXISTS attempts (
  run_id     TEXT NOT NULL,
  session    INTEGER NOT NULL,
  name       TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  pid        INTEGER,
  start_t    INTEGER NOT NULL,
  began_t    INTEGER,
  end_t      INTEGER,
  state      TEXT NOT NULL,        -- running | succeeded | failed
  error      TEXT,
  PRIMARY KEY (run_id, session, name, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  run_id  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  session INTEGER NOT NULL,
  json    TEXT NOT NULL,
  vals    BLOB,                    -- the flush's inline result values, one after another
  vmeta   TEXT,                    -- JSON: where each succeeded event's value is (record/event-block.ts); null in rows written before version 7
  defs    TEXT,                    -- JSON: the run-start's instances, as columns (record/instance-defs.ts)
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS logs (
  id      INTEGER PRIMARY KEY,
  run_id  TEXT NOT NULL,
  session INTEGER NOT NULL,
  name    TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  stream  TEXT NOT NULL,
  t       INTEGER NOT NULL,
  text    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_run ON logs (run_id, name, id);
CREATE TABLE IF NOT EXISTS workers (
  run_id    TEXT NOT NULL,
  pid       INTEGER NOT NULL,
  pid_start TEXT,
  alive     INTEGER NOT NULL,
  PRIMARY KEY (run_id, pid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pgroups (
  run_id  TEXT NOT NULL,
  pgid    INTEGER NOT NULL,
  pid_start TEXT,                  -- the leader's start time
  name    TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  alive   INTEGER NOT NULL,
  PRIMARY KEY (run_id, pgid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
  key        TEXT PRIMARY KEY,     -- sha256 of the key parts (src/cache/key.ts)
  value      BLOB,                 -- v8.serialize, when at most 64 KiB (null when in small_results)
  value_file TEXT,                 -- else a file in the entry's folder under cache/results/
  digest     TEXT NOT NULL,        -- sha256 of the serialized value: a changed byte is a miss
  bytes      INTEGER NOT NULL,     -- the entry's size (value and object files)
  from_run   TEXT NOT NULL,        -- the run that computed it (may be removed since; not run_id: removing a run keeps its entries)
  name       TEXT NOT NULL,        -- the instance that computed it
  task       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  used_ms    INTEGER NOT NULL      -- when stored; a reuse is its run's cache_hits row (result-cache.ts, entriesByLastUse)
);
CREATE TABLE IF NOT EXISTS small_results (
  key    TEXT PRIMARY KEY,         -- a results row's key, whose value and value_file are null
  value  BLOB NOT NULL,            -- v8.serialize, at most SMALL_MAX bytes (result-cache.ts)
  digest TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cache_hits (
  run_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,         -- one row per flush of the run's cache
  names  TEXT NOT NULL,            -- JSON list of the instances that reused an entry
  keys   BLOB NOT NULL,            -- their keys, 32 bytes each, in the same order
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cache_keys (
  run_id TEXT NOT NULL,
  name   TEXT NOT NULL,
  key    TEXT NOT NULL,
  file   TEXT NOT NULL,            -- the graph file (or the session's script)
  task   TEXT NOT NULL,
  findex INTEGER,
  parts  TEXT NOT NULL,            -- JSON KeyParts, for rayts why ('' for a hit, in stores of schema 3)
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cache_keys_task ON cache_keys (file, task, findex);
CREATE TABLE IF NOT EXISTS cache_modules (
  digest TEXT PRIMARY KEY,
  files  TEXT NOT NULL,            -- JSON path → sha256
  packages TEXT NOT NULL           -- JSON name → version
) WITHOUT ROWID;
`

/** Columns added since version 1: a store made before them gets them when it is opened. */
export const ADDED_COLUMNS: readonly {readonly table: string; readonly column: string; readonly type: string}[] = [
  {table: 'instances', column: 'deps', type: 'TEXT'},
  {table: 'events', column: 'vals', type: 'BLOB'},
  {table: 'events', column: 'vmeta', type: 'TEXT'},
  {table: 'events', column: 'defs', type: 'TEXT'},
  {table: 'runs', column: 'synced_seq', type: 'INTEGER NOT NULL DEFAULT 0'},
  {table: 'runs', column: 'synced_ord', type: 'INTEGER NOT NULL DEFAULT 0'},
]

/**
 * Run once, when `runs.synced_seq` is added to an older store: its instance rows were written
 * with its events, so every run is in sync up to its last events row.
 */
export const MARK_SYNCED = `UPDATE runs SET
  synced_seq = COALESCE((SELECT MAX(seq) FROM events WHERE run_id = runs.id), 0),
  synced_ord = (SELECT COUNT(*) FROM instances WHERE run_id = runs.id)`

/**
 * Tables whose rows may be large (an instance's inline value, up to 1 MiB, its error or the
 * deps of a fan-in over 100,000 instances; a cache entry's inline value, up to 64 KiB) are
 * rowid tables with their key in an index. A WITHOUT ROWID table keeps whole rows as the keys
 * of its interior pages, and SQLite reads a key whole, overflow pages and all, to compare it:
 * once one big row of an earlier run sat on the search path, every insert and update of a
 * later run copied it again. A store holding four earlier runs of a 100,000-instance graph
 * with one fan-in task: 100,000 instance inserts took 1,158 ms and 100,000 updates 2,954 ms,
 * against 278 and 214 ms as a rowid table (and 264 / 252 ms on an empty store, before).
 * A store made before version 5 has its tables rebuilt when it is opened (db.ts); its events,
 * which hold a flush's result values since version 7, before version 7.
 */
export const RE_KEYED_TABLES: readonly string[] = ['instances', 'results', 'events']
