// `rayts bench overhead` end to end with tiny sizes: every figure present and sane.
import test from 'ava'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type OverheadReport, formatOverhead} from '../../src/bench/overhead.js'
import {rayts} from './cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'rayts-bench-overhead-'))
const home = join(tmp, 'home')
test.after.always(() => rmSync(tmp, {recursive: true, force: true}))

// one real run of the bench (it starts many processes: slow on a loaded machine), read twice
let measured: OverheadReport | undefined

test.serial('--json: fn, sync latency, cmd, UI ratio and floors', async (t) => {
  t.timeout(400_000)
  const r = await rayts(home, ['bench', 'overhead', '--fn-tasks', '500', '--chain-tasks', '50', '--cmd-tasks', '20', '--ui-tasks', '200', '--startup-runs', '1', '--num-cpus', '2', '--json'])
  t.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout) as OverheadReport
  measured = report
  t.deepEqual(Object.keys(report).sort(), ['cmd', 'floor', 'fn', 'fnSync', 'machine', 'numCpus', 'ui', 'userPath'])
  t.is(report.fn.tasks, 500)
  t.true(report.fn.tasksPerSecond > 0 && report.fn.parentCpuMicrosPerTask > 0)
  t.is(report.fnSync.tasks, 50)
  t.true(report.fnSync.p50Micros > 0 && report.fnSync.p99Micros >= report.fnSync.p50Micros)
  t.is(report.cmd.tasks, 20)
  t.true(report.cmd.tasksPerSecond > 0)
  t.is(report.ui.tasks, 200)
  t.true(report.ui.withUi > 0 && report.ui.withoutUi > 0)
  t.true(Math.abs(report.ui.ratio - report.ui.withUi / report.ui.withoutUi) < 1e-9)
  t.true(report.floor.ipcRoundTrip.p50Micros > 0)
  t.true(report.floor.spawnLoop.perSecond > 0)
  t.is(report.floor.spawnLoop.concurrency, 2)
  t.is(report.floor.ipcPipelined.workers, 2)
  t.true(report.floor.ipcPipelined.messagesPerSecond > 0)
  // the user's path: whole processes. With --runs 1 one sample each, so only the 1-task run
  // (several times node -e 0) is sure to be slower; --version (about 1.1x) may come out under
  // a noisy node -e 0, so it and --help are only checked to be measured
  const u = report.userPath
  t.is(u.tasks, 500)
  t.is(u.runs, 1)
  t.true(u.nodeStartMs > 0)
  for (const ms of [u.versionMs, u.helpMs]) t.true(ms > 0)
  t.true(u.oneTaskRunMs > u.nodeStartMs, `${u.oneTaskRunMs} vs node ${u.nodeStartMs}`)
  for (const run of [u.json, u.plain]) t.true(run.wallMs > 0 && run.tasksPerSecond > 0)
})

test.serial('text report names every line', (t) => {
  if (!measured) return t.fail('the --json run above failed')
  const text = formatOverhead(measured)
  for (const line of [/^  rayts run, 500 no-op fn tasks, --json\s+[\d,]+ tasks\/s/m, /^  rayts run, a 1-task graph\s+[\d,]+ ms/m, /^fn tasks, all at once\s+[\d,]+ tasks\/s/m, /^fn tasks, one at a time p50 [\d,.]+ µs/m, /^cmd `true` tasks\s+[\d,]+ tasks\/s/m, /^live UI\s+[\d,]+% of the tasks\/s/m]) {
    t.regex(text, line)
  }
})
