// `rayts run g.yaml 2>&1 | head` (issue 11 item 12): when the reader goes away, the run
// ends as cancelled (exit 130), recorded as such, not `lost`.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {listRuns, openStore} from '../../src/store/index.js'
import {until} from '../helpers/poll.js'

const root = join(import.meta.dirname, '..', '..')
const dev = join(root, 'bin', 'dev.js')
const graph = join(import.meta.dirname, 'fixtures', 'trickle.yaml')
const env = {CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}

function storedStates(home: string): string[] {
  const store = openStore(home)
  try {
    return listRuns(store).map((r) => r.state)
  } finally {
    store.close()
  }
}

test.serial('the reader of a pipe exits (| head -n 2): rayts ends cancelled, exit 130', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const script = `"${dev}" run "${graph}" --num-cpus 2 2>&1 | head -n 2 >/dev/null; echo "rayts=\${PIPESTATUS[0]}"`
    const result = await execa('bash', ['-c', script], {cwd: root, reject: false, env: {...env, RAYTS_HOME: home}, timeout: 120_000})
    t.is(result.stdout.trim(), 'rayts=130', result.stderr)
    t.deepEqual(storedStates(home), ['cancelled'])
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})

test.serial('the whole pipeline killed with SIGTERM: rayts records the run as cancelled', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    // the shell and its pipeline in a group of their own, signalled as a whole (as a terminal does)
    const script = `"${dev}" run "${graph}" --num-cpus 2 2>&1 | cat >/dev/null`
    const shell = execa('bash', ['-c', script], {cwd: root, reject: false, env: {...env, RAYTS_HOME: home}, detached: true})
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const states = (() => {
        try {
          return storedStates(home)
        } catch {
          return []
        }
      })()
      if (states[0] === 'running') break
      await new Promise((r) => setTimeout(r, 200))
    }
    t.deepEqual(storedStates(home), ['running'])
    process.kill(-shell.pid!, 'SIGTERM')
    await shell
    const end = Date.now() + 30_000
    while (storedStates(home)[0] === 'running' && Date.now() < end) await new Promise((r) => setTimeout(r, 200))
    t.deepEqual(storedStates(home), ['cancelled'])
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})

// The kernel raises SIGPIPE for a write to any closed pipe or socket, such as the channel of
// a worker rayts has just killed (issue 21 item 11: a --fail-fast run exited 130, interrupted).
// Only a failed write to stdout or stderr means that the reader is gone.
test.serial('a SIGPIPE while stdout is still read does not end the run', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const child = execa(dev, ['run', graph, '--num-cpus', '2'], {cwd: root, reject: false, env: {...env, RAYTS_HOME: home}, timeout: 120_000})
    let out = ''
    child.stdout!.on('data', (d: Buffer) => (out += String(d)))
    await until('a first result', () => out.includes('\n') || child.exitCode !== null)
    child.kill('SIGPIPE')
    const result = await child
    t.is(result.exitCode, 0, result.stderr)
    t.is(result.stdout.trim().split('\n').length, 40)
    t.notRegex(result.stderr, /cancelling/)
    t.deepEqual(storedStates(home), ['succeeded'])
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})
