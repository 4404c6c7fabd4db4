// The size budget counts the result cache: past it, what was used longest ago goes first,
// a finished run or a cache entry.
import test from 'ava'
import {join} from 'node:path'
import {enforceBudget, storeBytes} from '../../src/store/upkeep/home-budget.js'
import {listEntries} from '../../src/store/result-cache.js'
import {getRun} from '../../src/store/query/runs.js'
import {folder, run, states, withStore} from './helpers.js'

process.setMaxListeners(50)

test('past the budget, runs and entries go oldest use first; a reused entry is young again', async (t) => {
  const p = folder({
    'm.mjs': 'export function big(n, tag) { return new Float64Array(n).fill(tag) }\n',
    'a.yaml': 'version: 1\nmodule: ./m.mjs\ntasks:\n  x: {fn: big, args: [300000, 1], cache: true}\n',
    'b.yaml': 'version: 1\nmodule: ./m.mjs\ntasks:\n  x: {fn: big, args: [300000, 2], cache: true}\n',
  })
  t.teardown(p.cleanup)
  const run1 = await run(join(p.dir, 'a.yaml')) // computes entry A
  const run2 = await run(join(p.dir, 'b.yaml')) // computes entry B
  const run3 = await run(join(p.dir, 'a.yaml')) // reuses A: A is the newest use
  t.is(states(run3.runId).x, 'cached')
  const keyOf = (runId: string) => withStore((s) => s.db.prepare("SELECT key FROM cache_keys WHERE run_id = ? AND name = 'x'").pluck().get(runId) as string)
  const a = keyOf(run1.runId)
  const b = keyOf(run2.runId)
  t.not(a, b)
  const shrink = (): ReturnType<typeof enforceBudget> => withStore((s) => enforceBudget(s, {bytes: storeBytes(s) - 1}))
  const keys = (): string[] => withStore((s) => listEntries(s).map((e) => e.key))
  const exists = (id: string): boolean => withStore((s) => getRun(s, id) !== null)

  let r = shrink()
  t.deepEqual(r?.removed.map((x) => x.id), [run1.runId]) // the oldest: run 1 (an entry outlives its run)
  t.deepEqual(r?.removedEntries, [])
  t.deepEqual(keys().sort(), [a, b].sort())
  r = shrink()
  t.deepEqual(r?.removedEntries, [b]) // B was last used before run 2 ended
  t.true(exists(run2.runId))
  r = shrink()
  t.deepEqual(r?.removed.map((x) => x.id), [run2.runId])
  r = shrink()
  t.deepEqual(r?.removedEntries, [a])
  t.true(exists(run3.runId)) // the newest finished run is kept
})
