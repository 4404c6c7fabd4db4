// A run's instance counts by state, kept once the run has ended: they cannot change until
// the run does (a resume starts a new session and a new state; a lost run is marked so), and
// the key holds its id, session, state and end time. The runs list asks for the counts of
// up to 200 runs at every store change; measured on a 100,000-instance run, one count is a
// full scan of its rows, 20–125 ms (load ~12), for each refresh of every open list.
import type {Store} from '../store/db.js'
import type {RunRecord} from '../store/query/runs.js'
import {countStates, type Counts} from './queries.js'

const ACTIVE = new Set(['submitted', 'running'])

export class CountsCache {
  private readonly ended = new Map<string, Counts>()

  constructor(private readonly maxRuns = 1000) {}

  get(store: Store, run: RunRecord): Counts {
    if (ACTIVE.has(run.state)) return countStates(store, run.id)
    const key = `${run.id}\u0000${run.session}\u0000${run.state}\u0000${run.endedMs}`
    const known = this.ended.get(key)
    if (known) return known
    const counts = countStates(store, run.id)
    this.ended.set(key, counts)
    if (this.ended.size > this.maxRuns) this.ended.delete(this.ended.keys().next().value!)
    return counts
  }
}
