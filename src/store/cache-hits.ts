// The keys a run reused: one `cache_hits` row per flush of its cache (run-cache.ts), holding
// the hits' instance names (a JSON list) and their keys (32 bytes each, in the same order).
// A `cache_keys` row per hit was the largest cost a fully cached run had over running the
// graph (profile of a 100k no-op run: ~0.44 s of 4 s, two B-trees written per hit); a hit's
// key parts are never kept anyway. Read by `rayts why` (which entry an instance reused) and
// by the budget's eviction order (when an entry was last used). Stores of schema 3 keep a
// hit's key in a `cache_keys` row with empty parts: both are read.
import type {Store} from './db.js'

const KEY_BYTES = 32

/** a flush's hits as stored: names in order, keys as their bytes */
export function encodeHits(names: readonly string[], keys: readonly string[]): {names: string; keys: Buffer} {
  const bytes = Buffer.from(keys.join(''), 'hex')
  // Buffer.from stops at the first character that is not hex: never store keys shifted
  if (names.length !== keys.length || bytes.length !== keys.length * KEY_BYTES) throw new Error('a cache key is not 64 hex digits')
  return {names: JSON.stringify(names), keys: bytes}
}

/** the key `name` reused in run `runId` (its latest flush), or undefined */
export function hitKeyOf(store: Store, runId: string, name: string): string | undefined {
  return store.db
    .prepare(`SELECT lower(hex(substr(h.keys, j.key * ${KEY_BYTES} + 1, ${KEY_BYTES}))) FROM cache_hits h, json_each(h.names) j
      WHERE h.run_id = ? AND j.value = ? ORDER BY h.seq DESC LIMIT 1`)
    .pluck()
    .get(runId, name) as string | undefined
}

/** each key reused by a run, with the start of that run (a key may come more than once) */
export function* hitUses(store: Store): Generator<{key: string; at: number}> {
  const rows = store.db.prepare('SELECT h.keys AS keys, runs.started_ms AS at FROM cache_hits h JOIN runs ON runs.id = h.run_id').iterate() as Iterable<{keys: Buffer; at: number | null}>
  for (const {keys, at} of rows) {
    for (let i = 0; i + KEY_BYTES <= keys.length; i += KEY_BYTES) yield {key: keys.toString('hex', i, i + KEY_BYTES), at: Number(at ?? 0)}
  }
}
