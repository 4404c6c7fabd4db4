// rayts-spawner (the fast path) and child_process.spawn (the slow path) must agree: every
// case runs both ways through runCmd and the outcomes and logs are compared. The spawner is
// compiled here into a temporary folder, so the test does not depend on a build of dist/.
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import test from 'ava'
import {launchWithNode, launchWithSpawner, type Launch} from '../../src/executor/worker/cmd/launch.js'
import {runCmd} from '../../src/executor/worker/cmd/run-cmd.js'
import type {CmdResult, WireCmd} from '../../src/executor/protocol.js'
import {Spawner} from '../../src/executor/worker/spawn/spawner.js'
import {alive, eventually, liveGroupMembers} from './helpers.js'
import {until} from '../helpers/poll.js'

const dir = mkdtempSync(join(tmpdir(), 'rayts-spawner-'))
const binary = join(dir, 'rayts-spawner')
test.before(() => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../src/executor/worker/spawn/build.mjs', import.meta.url)), binary], {stdio: 'inherit'})
})
test.after.always(() => rmSync(dir, {recursive: true, force: true}))

interface Run {
  readonly result: CmdResult
  readonly stderr: string
  readonly pgid: number | null
}

function job(command: WireCmd['command'], extra: Partial<WireCmd> = {}): WireCmd {
  return {name: 'c', command, stdin: undefined, output: 'text', env: {}, cwd: dir, timeout: null, ...extra}
}

function run(launch: Launch, cmd: WireCmd, env: NodeJS.ProcessEnv = process.env, graceMs = 300, act?: (c: ReturnType<typeof runCmd>) => void): Promise<Run> {
  let stderr = ''
  let pgid: number | null = null // a command leads its own group: its pid is the group's id
  const running = runCmd(cmd, env, {spawned: (pid) => (pgid = pid), stderr: (text) => (stderr += text)}, graceMs, launch)
  act?.(running)
  return running.result.then((result) => ({result, stderr, pgid}))
}

/** what must agree: everything but the pid and the times */
function comparable({result, stderr}: Run): unknown {
  const {pid: _pid, s: _s, e: _e, ...rest} = result
  return {...rest, stderr}
}

async function both(t: import('ava').ExecutionContext, cmd: WireCmd, env?: NodeJS.ProcessEnv): Promise<[Run, Run]> {
  const slow = await run(launchWithNode, cmd, env)
  const fast = await run(launchWithSpawner(binary), cmd, env)
  t.deepEqual(comparable(fast), comparable(slow), JSON.stringify(cmd.command))
  return [slow, fast]
}

test.serial('stdout, stderr, exit codes, output modes', async (t) => {
  await both(t, job({argv: ['echo', '$HOME', 'a b']}))
  await both(t, job({shell: 'echo partial; echo "first" >&2; printf "é\\n" >&2; exit 3'}))
  await both(t, job({shell: 'printf "a\\nb\\n"'}, {output: 'lines'}))
  await both(t, job({shell: `echo '{"n": [1, 2]}'`}, {output: 'json'}))
  await both(t, job({argv: ['echo', 'not json']}, {output: 'json'}))
  const [slow] = await both(t, job({shell: 'head -c 300000 /dev/zero | tr "\\0" x; head -c 200000 /dev/zero | tr "\\0" y >&2'}))
  t.is((slow.result as {value: string}).value.length, 300_000)
})

test.serial('stdin: none, text, bytes, more than a pipe holds, and unread', async (t) => {
  await both(t, job({argv: ['cat']}))
  await both(t, job({argv: ['cat']}, {stdin: 'from stdin\n'}))
  await both(t, job({argv: ['od', '-An', '-tu1']}, {stdin: new Uint8Array([0, 1, 2, 255])}))
  const big = 'x'.repeat(3 * 1024 * 1024)
  const [slow] = await both(t, job({argv: ['wc', '-c']}, {stdin: big}))
  t.like(slow.result, {ok: true, value: String(big.length)})
  await both(t, job({argv: ['true']}, {stdin: big}))
})

test.serial('env, PATH looked up in the command’s env, cwd, and commands that cannot start', async (t) => {
  await both(t, job({shell: 'echo "$RAYTS_A" "$HOME"'}, {env: {RAYTS_A: 'x y'}}))
  await both(t, job({shell: 'env | sort'}), {PATH: process.env.PATH, ONLY: '1'})
  await both(t, job({argv: ['true']}), {PATH: '/nonexistent'})
  await both(t, job({argv: ['pwd']}, {cwd: '/tmp'}))
  await both(t, job({argv: ['pwd']}, {cwd: join(dir, 'missing')}))
  await both(t, job({argv: ['/nonexistent/program']}))
  await both(t, job({argv: ['no-such-program-rayts']}))
  const plain = join(dir, 'not-executable')
  writeFileSync(plain, '#!/bin/sh\necho hi\n')
  chmodSync(plain, 0o644)
  await both(t, job({argv: [plain]}))
  const [slow] = await both(t, job({argv: ['']}))
  t.like(slow.result, {ok: false, error: {name: 'SpawnError'}})
})

test.serial('a session and process group of its own, default signals, no inherited descriptors', async (t) => {
  // fields 5 and 6 of /proc/PID/stat: process group and session
  const [slow] = await both(t, job({shell: 'set -- $(cut -d" " -f5,6 /proc/$$/stat); [ "$1" = $$ ] && [ "$2" = $$ ] && echo own >&2; grep -E "^Sig(Blk|Ign)" /proc/self/status; ls /proc/self/fd'}))
  t.is(slow.stderr, 'own\n')
})

test.serial('signals, timeouts (SIGTERM, then SIGKILL after the grace, whole tree) and cancel', async (t) => {
  await both(t, job({shell: 'kill -SEGV $$'}))
  await both(t, job({shell: 'sleep 30'}, {timeout: 0.2}))
  for (const launch of [launchWithNode, launchWithSpawner(binary)]) {
    const t0 = Date.now()
    const r = await run(launch, job({shell: "trap '' TERM; sleep 30 & sleep 30"}, {timeout: 0.3}))
    t.like(r.result, {ok: false, error: {kind: 'timeout'}})
    t.true(Date.now() - t0 >= 550, 'SIGTERM ignored: the grace ran out')
    t.deepEqual(liveGroupMembers(r.pgid!), [], 'nothing of the group is left')
    // cancelled at once: for the spawner, before it has even said the command started
    const c = await run(launch, job({shell: 'sleep 30'}), process.env, 300, (running) => running.cancel())
    t.like(c.result, {ok: false, error: {kind: 'cancelled'}})
    t.deepEqual(liveGroupMembers(c.pgid!), [])
  }
})

test.serial('stdout past 64 MiB kills the group: OutputLimitError both ways', async (t) => {
  await both(t, job({shell: 'head -c 67200000 /dev/zero; sleep 30'}))
})

test.serial('when its stdin closes (rayts gone), the spawner kills the groups it started and exits', async (t) => {
  const spawner = new Spawner(binary)
  const pid = await new Promise<number>((resolve, reject) =>
    spawner.spawn({file: '/bin/sh', args: ['-c', 'sleep 30 & sleep 30'], cwd: dir, env: process.env, stdin: new Uint8Array(0)}, {
      started: resolve,
      failed: (errno) => reject(new Error(`errno ${errno}`)),
      stdout() {},
      stderr() {},
      exited() {},
      closed() {},
    }),
  )
  // started means the shell runs, not that it has forked its children yet
  await until('the shell and its children to run', () => liveGroupMembers(pid).length >= 2, 30_000)
  spawner.close()
  await eventually(() => liveGroupMembers(pid).length === 0 && !alive(spawner.pid!), 1000)
  t.deepEqual(liveGroupMembers(pid), [])
  t.false(alive(spawner.pid!))
})

test.serial('a spawner binary that cannot run: commands start with child_process.spawn instead', async (t) => {
  const broken = join(dir, 'broken-spawner')
  writeFileSync(broken, 'not a program')
  chmodSync(broken, 0o755)
  for (const binary of [broken, join(dir, 'missing-spawner')]) {
    const r = await run(launchWithSpawner(binary), job({argv: ['echo', 'still runs']}))
    t.like(r.result, {ok: true, value: 'still runs'})
  }
})
