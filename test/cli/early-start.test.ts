// `rayts run` starts its pool at the CLI's entry (src/cli/main.ts), before oclif loads
// (issue 23). A command that ends before it runs a graph stops that pool: no worker is left,
// and nothing starts for --help.
import test from 'ava'
import {execa} from 'execa'
import {randomUUID} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {runsGraphHere} from '../../src/cli/early-start.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

test('runsGraphHere: rayts run on this machine, not its --help, not on a cluster', (t) => {
  t.true(runsGraphHere(['run', 'g.yaml'], {}))
  t.true(runsGraphHere(['run', '--resume', 'last'], {}))
  t.true(runsGraphHere(['run', 'g.yaml', '--', '--help'], {}))
  t.false(runsGraphHere(['run', 'g.yaml', '--help'], {}))
  t.false(runsGraphHere(['run', '-h'], {}))
  t.false(runsGraphHere(['run', 'g.yaml', '--cluster', 'redis://x'], {}))
  t.false(runsGraphHere(['run', 'g.yaml', '--cluster=redis://x'], {}))
  t.false(runsGraphHere(['run', 'g.yaml'], {RAYTS_CLUSTER: 'redis://x'}))
  t.false(runsGraphHere(['--help'], {}))
  t.false(runsGraphHere(['validate', 'g.yaml'], {}))
  t.false(runsGraphHere([], {}))
})

/** live processes (not zombies) whose environment holds `mark`: the CLI's workers inherit it */
function marked(mark: string): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').includes(mark)) continue
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue
      found.push(Number(name))
    } catch {
      // gone, or not ours
    }
  }
  return found
}

const cases: {title: string; args: (dir: string) => string[]; exit: number}[] = [
  {title: 'a bad graph file: exit 2', args: (dir) => ['run', join(dir, 'bad.yaml')], exit: 2},
  {title: 'a flag oclif refuses (before the command runs): exit 2', args: (dir) => ['run', join(dir, 'bad.yaml'), '--no-such-flag'], exit: 2},
  {title: 'no graph: exit 2', args: () => ['run'], exit: 2},
  {title: 'run --help: exit 0', args: () => ['run', '--help'], exit: 0},
]

for (const c of cases) test.serial(`the entry's pool leaves no worker: ${c.title}`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-early-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'bad.yaml'), 'version: 1\ntasks:\n  a: { fn: nope, module: ./missing.mjs }\n')
  const mark = `RAYTS_TEST_MARK=${randomUUID()}`
  const [key, value] = mark.split('=') as [string, string]
  const result = await execa(process.execPath, [join(ROOT, 'bin/run.js'), ...c.args(dir)], {
    cwd: dir,
    reject: false,
    timeout: 60_000,
    env: {RAYTS_HOME: join(dir, 'home'), CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', [key]: value},
  })
  t.is(result.exitCode, c.exit, String(result.stderr))
  t.notRegex(String(result.stderr), /\n\s+at /, 'no stack trace')
  t.deepEqual(marked(mark), [], 'no process of the run is left')
})
