// The dashboard's tests: a store filled by real runs of the CLI, the server started on it,
// and checks on screenshots.
import {join} from 'node:path'
import {startDashboard, type Dashboard} from '../../src/dashboard/index.js'
import {openStore} from '../../src/store/index.js'
import {colourCounts, readPng} from '../trace/png.js'
import {ROOT} from '../cli/helpers.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

export const FIXTURES = join(ROOT, 'test/dashboard/fixtures')

export async function serve(home: string): Promise<Dashboard> {
  return startDashboard({home})
}

export {until} from '../helpers/poll.js'

/** a query on the store, in a connection of its own */
export function query<T>(home: string, f: (db: ReturnType<typeof openStore>['db']) => T): T {
  const store = openStore(home)
  try {
    return f(store.db)
  } finally {
    store.close()
  }
}

export function instanceState(home: string, runId: string, name: string): string | null {
  return query(home, (db) => (syncInstanceRows({db}, runId), db.prepare('SELECT state FROM instances WHERE run_id = ? AND name = ?').get(runId, name) as {state: string} | undefined)?.state ?? null)
}

/** every process the run recorded: its own, its workers, its command process groups */
export function runPids(home: string, runId: string): {run: number | null; workers: number[]; groups: number[]} {
  return query(home, (db) => ({
    run: (db.prepare('SELECT pid FROM runs WHERE id = ?').get(runId) as {pid: number | null}).pid,
    workers: (db.prepare('SELECT pid FROM workers WHERE run_id = ?').all(runId) as {pid: number}[]).map((w) => w.pid),
    groups: (db.prepare('SELECT pgid FROM pgroups WHERE run_id = ?').all(runId) as {pgid: number}[]).map((g) => g.pgid),
  }))
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Not blank: many pixels differ from the most common colour, in more than a few colours. */
export function notBlank(png: Uint8Array): {ok: boolean; colours: number; inked: number} {
  const img = readPng(Buffer.from(png))
  const counts = colourCounts(img)
  let top = 0
  for (const n of counts.values()) top = Math.max(top, n)
  const inked = img.width * img.height - top
  return {ok: counts.size > 10 && inked > 2000, colours: counts.size, inked}
}
