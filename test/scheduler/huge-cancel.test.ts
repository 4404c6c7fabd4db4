// Cancelling a run with a million ready instances (issue 12 item 2): no stack overflow,
// the run ends cancelled with every instance accounted for.
import test from 'ava'
import {execa} from 'execa'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {listRuns, openStore} from '../../src/store/index.js'
import type {RunEvent} from '../../src/core/events.js'
import {alive, runGraph, workerPids} from './helpers.js'

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name)

for (const file of ['huge.yaml', 'huge-dynamic.yaml']) {
  test.serial(`${file}: cancel with 1,000,000 ready instances ends cancelled`, async (t) => {
    // the first start of a `wide` instance (in the dynamic graph, idx 0 is `items`, 1 the stand-in)
    const wideStarted = (e: RunEvent | undefined): boolean => e?.type === 'start' && e.inst >= (file === 'huge.yaml' ? 0 : 2)
    const ran = await runGraph(fixture(file), {numCpus: 1, cancelWhen: (events) => wideStarted(events.at(-1))})
    t.is(ran.summary.state, 'cancelled')
    t.true(ran.summary.counts.cancelled >= 1_000_000, JSON.stringify(ran.summary.counts))
    t.is(ran.summary.counts.ready + ran.summary.counts.pending + ran.summary.counts.running, 0)
    t.deepEqual(alive(workerPids(ran.events)), [])
  })
}

// ---- the same through `rayts run`: exit code, message and what the store records ----

const root = join(import.meta.dirname, '..', '..')

function rayts(args: string[], home: string) {
  return execa(join(root, 'bin', 'dev.js'), args, {
    cwd: root,
    reject: false,
    forceKillAfterDelay: false, // cancelling 200,000 instances takes a while on a loaded machine
    env: {RAYTS_HOME: home, CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  })
}

function storedRun(home: string): {state: string} | null {
  if (!existsSync(join(home, 'rayts.db'))) return null
  const store = openStore(home)
  try {
    return listRuns(store)[0] ?? null
  } finally {
    store.close()
  }
}

test.serial('rayts run of a 200,000-instance foreach, SIGTERM: exit 130, recorded cancelled, no stack trace', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const child = rayts(['run', fixture('wide.yaml'), '--num-cpus', '1'], home)
    const deadline = Date.now() + 120_000
    while (storedRun(home)?.state !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    t.is(storedRun(home)?.state, 'running', 'the run never started')
    const sent = Date.now()
    child.kill('SIGTERM')
    const result = await child
    t.log(`ended ${Date.now() - sent} ms after SIGTERM`)
    t.is(result.exitCode, 130, result.stderr)
    t.regex(result.stderr, /cancelling… \(SIGTERM\)/)
    t.notRegex(result.stderr, /RangeError|\n\s+at /)
    t.is(storedRun(home)?.state, 'cancelled')
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})

test.serial('--fail-fast with 200,000 waiting instances prints the failing task\'s error, exit 1', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const result = await rayts(['run', fixture('wide-fail-fast.yaml'), '--num-cpus', '2', '--fail-fast'], home)
    t.is(result.exitCode, 1, result.stderr)
    t.regex(result.stderr, /cancelling… \(--fail-fast\)/)
    t.regex(result.stdout + result.stderr, /bad.*TypeError.*the failing task's own message/s)
    t.notRegex(result.stderr, /RangeError|Maximum call stack/)
    t.is(storedRun(home)?.state, 'failed')
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})
