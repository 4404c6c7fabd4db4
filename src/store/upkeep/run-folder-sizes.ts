// The bytes of the runs' folders under blobs/, for the size budget (home-budget.ts), which
// `rayts run` and `submit` check as they end. Walking every file of every run cost each run
// its home's size in stats: 65-86 ms at the end of every run in a home of 10,000 files
// (500 runs of 20), growing with every run kept. A run that ended (a minute ago or more)
// no longer changes its folder, so its size is remembered in $RAYTS_HOME/run-sizes.json
// (not counted itself: it is the count's own note), keyed by what would change if it ran
// again: its session, state and end. A resumed run, a run still running or just ended, a
// folder of no known run: walked, every time.
import {readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Store} from '../db.js'
import {treeBytes} from './remove.js'
import {ACTIVE_STATES, type StoredRunState} from '../query/runs.js'

/** a run ended at least this long ago: whatever settled its folder is done with it */
const SETTLED_MS = 60_000

interface Remembered {
  /** `session:state:ended_ms` of the run when its folder was measured */
  readonly key: string
  readonly bytes: number
}

type Memo = Record<string, Remembered>

export const RUN_SIZES_FILE = 'run-sizes.json'
export const runSizesFile = (home: string): string => join(home, RUN_SIZES_FILE)

/** Bytes under `store.blobDir`: remembered sizes for the folders of runs long ended, the rest walked. */
export function blobBytes(store: Store, now: number = Date.now()): number {
  let entries
  try {
    entries = readdirSync(store.blobDir, {withFileTypes: true})
  } catch {
    return 0
  }
  const runs = new Map<string, string>()
  for (const r of store.db.prepare('SELECT id, state, session, ended_ms FROM runs WHERE ended_ms IS NOT NULL AND ended_ms <= ?').all(now - SETTLED_MS) as {id: string; state: StoredRunState; session: number; ended_ms: number}[]) {
    if (!ACTIVE_STATES.includes(r.state)) runs.set(r.id, `${r.session}:${r.state}:${r.ended_ms}`)
  }
  const file = runSizesFile(store.home)
  const memo = readMemo(file)
  const next: Memo = {}
  let changed = false
  let total = 0
  for (const e of entries) {
    const path = join(store.blobDir, e.name)
    const key = e.isDirectory() ? runs.get(e.name) : undefined
    if (key === undefined) {
      total += treeBytes(path)
      continue
    }
    const hit = memo[e.name]
    const known = hit?.key === key && typeof hit.bytes === 'number'
    const bytes = known ? hit.bytes : treeBytes(path)
    if (!known) changed = true
    next[e.name] = {key, bytes}
    total += bytes
  }
  // runs removed since: forgotten
  if (changed || Object.keys(memo).length !== Object.keys(next).length) writeMemo(file, next)
  return total
}

function readMemo(file: string): Memo {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Memo) : {}
  } catch {
    return {}
  }
}

function writeMemo(file: string, memo: Memo): void {
  try {
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(memo), {mode: 0o600})
    renameSync(tmp, file)
  } catch {
    // not remembered: the next check walks these folders again
  }
}
