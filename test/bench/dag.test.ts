// `rayts bench dag` end to end with 100-task graphs, each in its own process.
import test from 'ava'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {DagReport} from '../../src/bench/dag.js'
import {rayts} from './cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-bench-dag-'))
const home = join(tmp, 'home')
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

test.serial('--json: each shape of 100 tasks, every field sane', async (t) => {
  t.timeout(400_000)
  const r = await rayts(home, ['bench', 'dag', '--sizes', '100', '--num-cpus', '2', '--json'])
  t.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout) as DagReport
  t.deepEqual(Object.keys(report).sort(), ['machine', 'numCpus', 'rows'])
  t.is(report.numCpus, 2)
  t.true(report.machine.cores >= 1)
  t.regex(report.machine.node, /^v\d+\./)
  t.deepEqual(report.rows.map((row) => row.shape), ['wide', 'deep', 'fan-in'])
  const tasks = Object.fromEntries(report.rows.map((row) => [row.shape, row.tasks]))
  t.deepEqual(tasks, {wide: 100, deep: 100, 'fan-in': 99}) // 50 leaves + 49 reductions
  for (const row of report.rows) {
    t.deepEqual(Object.keys(row).sort(), ['compileCpuMs', 'compileMs', 'peakRssMb', 'schedulerMicrosPerTask', 'shape', 'size', 'tasks', 'userWallMs', 'wallMs'])
    t.is(row.size, 100)
    t.true(row.compileMs > 0 && row.compileMs < 60_000)
    t.true(row.compileCpuMs > 0 && row.compileCpuMs < 60_000)
    t.true(row.wallMs > 0 && row.wallMs < 60_000)
    // the user's path is a whole process (Node start-up, CLI, store) around the same run
    t.true(row.userWallMs > row.wallMs && row.userWallMs < 60_000)
    t.true(row.schedulerMicrosPerTask > 0)
    // a fresh process per graph: a plausible Node process, far below the parent's accumulation
    t.true(row.peakRssMb > 20 && row.peakRssMb < 2000)
  }
})

test.serial('text, one shape; bad shapes are refused', async (t) => {
  t.timeout(400_000)
  const r = await rayts(home, ['bench', 'dag', '--sizes', '100', '--shapes', 'deep'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /machine: \d+ cores/)
  t.regex(r.stdout, /shape\s+tasks\s+rayts run ms\s+compile ms\s+compile CPU ms\s+wall ms/)
  t.regex(r.stdout, /^deep\s+100\s/m)
  t.notRegex(r.stdout, /^wide/m)
  const bad = await rayts(home, ['bench', 'dag', '--sizes', '100', '--shapes', 'tall'])
  t.is(bad.code, 2)
  t.regex(bad.stderr, /unknown shape tall/)
})
