// rayts run ended early (issue 21 item 2): Ctrl-C while tens of thousands of no-op tasks
// stream results, with its stdout read by a pipe or closed under it, exits 130 (never 13,
// Node's "unsettled top-level await", which left the run's /dev/shm folder behind), records
// the run as cancelled and leaves nothing in /dev/shm. Two signals at once (a second Ctrl-C)
// exit at once and still record the run as cancelled, not `lost`.
import test from 'ava'
import {execa, type ResultPromise} from 'execa'
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {listRuns, openStore} from '../../src/store/index.js'
import {dropHotFolders} from '../setup/hot-folders.js'
import {until} from '../helpers/poll.js'

const root = join(import.meta.dirname, '..', '..')
const N = 40_000

/** a graph of N no-op instances in a fresh folder, and a fresh $RAYTS_HOME */
function setUp(): {dir: string; home: string; graph: string} {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-early-'))
  copyFileSync(join(import.meta.dirname, 'fixtures', 'noop.mjs'), join(dir, 'noop.mjs'))
  const graph = join(dir, 'g.yaml')
  writeFileSync(graph, `version: 1\nmodule: ./noop.mjs\ntasks:\n  t: { fn: noop, foreach: {range: ${N}}, args: [!index] }\n`)
  return {dir, home: join(dir, 'home'), graph}
}

function rayts(graph: string, home: string): ResultPromise<{reject: false; buffer: {stdout: false}}> {
  return execa(process.execPath, [join(root, 'bin', 'run.js'), 'run', graph, '--num-cpus', '2'], {
    cwd: root,
    reject: false,
    buffer: {stdout: false},
    timeout: 100_000,
    env: {RAYTS_HOME: home, CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  })
}

/** resolves once `lines` result lines came out on stdout (the run streams them) */
async function streaming(child: ReturnType<typeof rayts>, lines: number): Promise<void> {
  let seen = 0
  child.stdout!.on('data', (d: Buffer) => {
    for (const byte of d) if (byte === 10) seen++
  })
  await until(`${lines} results`, () => seen >= lines || child.exitCode !== null, 90_000)
}

function recorded(home: string): {state: string; hot: string[]} {
  const store = openStore(home)
  try {
    const run = listRuns(store)[0]!
    const hot = existsSync('/dev/shm') ? readdirSync('/dev/shm').filter((d) => d.startsWith(`rayts-${run.id}-`)) : []
    return {state: run.state, hot}
  } finally {
    store.close()
  }
}

const endings = {
  'SIGINT, stdout read': (child: ReturnType<typeof rayts>) => child.kill('SIGINT'),
  'SIGINT, stdout closed': (child: ReturnType<typeof rayts>) => {
    child.stdout!.destroy()
    child.kill('SIGINT')
  },
  // stopped, both signals wait and come in one turn of its loop: the second forces the exit
  'SIGINT and SIGTERM at once': (child: ReturnType<typeof rayts>) => {
    child.kill('SIGSTOP')
    child.kill('SIGINT')
    child.kill('SIGTERM')
    child.kill('SIGCONT')
  },
}

for (const [name, end] of Object.entries(endings)) {
  test.serial(`rayts run of ${N.toLocaleString('en')} no-op tasks, ${name}: exit 130, recorded cancelled, nothing in /dev/shm`, async (t) => {
    const {dir, home, graph} = setUp()
    try {
      const child = rayts(graph, home)
      child.stdout!.on('error', () => {})
      await streaming(child, 2000)
      end(child)
      const result = await child
      t.is(result.exitCode, 130, `${result.signal ?? ''} ${result.stderr}`)
      t.notRegex(result.stderr, /internal error|\n\s+at /)
      t.deepEqual(recorded(home), {state: 'cancelled', hot: []})
    } finally {
      dropHotFolders(home)
      rmSync(dir, {recursive: true, force: true})
    }
  })
}

// a result nested 2,000 deep: before values were bounded, b's arguments could not be sent to
// its worker, the run ended at once (close() kills the workers) and the lane then released that
// worker, which let the loop empty before its exit was seen: exit 13, the run left `lost`. Now
// a's result is refused at the 1,000-level bound (the released-after-kill path has its own test,
// test/executor/release-after-kill.test.ts)
test.serial('a result nested too deep fails the run: exit 1, recorded failed, nothing in /dev/shm', async (t) => {
  const {dir, home} = setUp()
  try {
    writeFileSync(join(dir, 'deep.mjs'), 'export function deep(n) { let a = []; for (let i = 0; i < n; i++) a = [a]; return a }\nexport function use() { return 1 }\n')
    const graph = join(dir, 'deep.yaml')
    writeFileSync(graph, 'version: 1\nmodule: ./deep.mjs\ndefaults: { max_retries: 0 }\ntasks:\n  a: { fn: deep, args: [2000] }\n  b: { fn: use, args: [!ref a] }\n')
    const result = await rayts(graph, home)
    t.is(result.exitCode, 1, result.stderr)
    t.regex(result.stderr, /✗ a RangeError: the result of a nests more than 1000 levels deep/)
    t.regex(result.stderr, /run \S+ failed: 0 succeeded, 1 failed, 1 skipped/)
    t.deepEqual(recorded(home), {state: 'failed', hot: []})
  } finally {
    dropHotFolders(home)
    rmSync(dir, {recursive: true, force: true})
  }
})
