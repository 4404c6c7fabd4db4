// A worker runs whatever the queue hands it: off loopback it must join only a Redis that
// itself demands a password (not merely a URL that carries one), and the password can stay
// off the command line ($RAYTS_REDIS_PASSWORD, --password-file). Off loopback is a network
// namespace (netns.ts): Redis on the test bridge, the worker inside a host namespace.
import test from 'ava'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {cli, DEV, FIXTURES, HAVE_REDIS, NO_REDIS, resultsOf, ROOT, startRedis, startWorker, tempDir, until} from './helpers.js'
import {createNet, NETNS_PROBLEM, startHostWorker, startRedisOn, type TestHost} from './netns.js'

const netns = NETNS_PROBLEM === null ? test.serial : test.serial.skip
const skipped = NETNS_PROBLEM === null ? '' : ` [skipped: ${NETNS_PROBLEM}]`
const serial = HAVE_REDIS ? test.serial : test.serial.skip
if (!HAVE_REDIS) console.warn(NO_REDIS)

const MIX = join(FIXTURES, 'mix.yaml')

/** `rayts worker` inside a host's namespace, expected to refuse (it is killed after 60 s otherwise) */
function workerIn(t: import('ava').ExecutionContext, host: TestHost, args: string[]) {
  const home = tempDir(t, 'rayts-w-')
  return execa('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', DEV, 'worker', ...args], {
    cwd: ROOT,
    env: {RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_CLUSTER: ''},
    reject: false,
    timeout: 60_000,
  })
}

netns(`off loopback, a Redis that serves clients without a password is refused, even with a password in the URL${skipped}`, async (t) => {
  t.timeout(300_000)
  const net = createNet(t, 1)
  const host = net.hosts[0]!
  const open = await startRedisOn(t, net.bridgeAddress, {password: false})
  const given = `redis://:guess@${open.address}:${open.port}`
  const refused = await workerIn(t, host, ['--redis', given, '--num-cpus', '1'])
  t.is(refused.exitCode, 2, refused.stderr)
  t.regex(refused.stderr, /refusing to join redis:\/\/:\*\*\*@10\.\d+\.\d+\.1:\d+: that Redis answers clients without a password/)
  t.notRegex(refused.stderr, /\[WARN\]|\n\s+at /)
  t.false(refused.stderr.includes('guess'))
  // without a password in the URL: the URL rule refuses it first
  const bare = await workerIn(t, host, ['--redis', open.url, '--num-cpus', '1'])
  t.is(bare.exitCode, 2, bare.stderr)
  t.regex(bare.stderr, /no password/)
  // --insecure: the user says the network is trusted; the unused password is dropped, not sent
  const trusted = await startHostWorker(t, host, given, 1, {}, ['--insecure'])
  t.regex(trusted.stderr(), /note: the Redis at redis:\/\/10\.\S+ asks for no password: the one given is not used/)
  t.notRegex(trusted.stderr(), /\[WARN\]/)
})

netns(`off loopback, a Redis that demands a password: joined with the password from the environment or a file${skipped}`, async (t) => {
  t.timeout(300_000)
  const net = createNet(t, 2)
  const redis = await startRedisOn(t, net.bridgeAddress)
  const bare = `redis://${redis.address}:${redis.port}`
  const fromEnv = await startHostWorker(t, net.hosts[0]!, bare, 1, {RAYTS_REDIS_PASSWORD: redis.password})
  const file = join(tempDir(t, 'rayts-pw-'), 'password')
  writeFileSync(file, `${redis.password}\n`, {mode: 0o600})
  const fromFile = await startHostWorker(t, net.hosts[1]!, bare, 1, {}, ['--password-file', file])
  for (const w of [fromEnv, fromFile]) {
    t.notRegex(w.stderr(), /note: the Redis password is on this command line/)
    // nothing in the worker's command line shows the password
    t.false(readFileSync(`/proc/${w.proc.pid}/cmdline`, 'utf8').includes(redis.password))
  }
  // and the run uses them: the same password from the environment
  const home = tempDir(t, 'rayts-home-')
  const run = await cli(home, ['run', MIX, '--json', '--cluster', bare], {RAYTS_REDIS_PASSWORD: redis.password})
  t.is(run.exitCode, 0, String(run.stderr))
  t.is(resultsOf(String(run.stdout)).total, 8555)
  // a wrong password from the file is the server's refusal, said plainly
  writeFileSync(file, 'wrong\n')
  const wrong = await workerIn(t, net.hosts[0]!, ['--redis', bare, '--password-file', file, '--num-cpus', '1'])
  t.is(wrong.exitCode, 2, wrong.stderr)
  t.regex(wrong.stderr, /cannot reach Redis at redis:\/\/:\*\*\*@.*(WRONGPASS|invalid)/i)
})

serial('loopback: a Redis without a password is allowed; passwords from $RAYTS_REDIS_PASSWORD and --password-file work for worker, status and run', async (t) => {
  t.timeout(300_000) // four CLI processes and two Redis servers on a loaded machine
  const home = tempDir(t, 'rayts-home-')
  const open = await startRedis(t, {password: false})
  const w = await startWorker(t, open.url, home, 'open', 1)
  t.regex(w.stderr(), /joined redis:\/\/127\.0\.0\.1:\d+/)
  t.notRegex(w.stderr(), /\[WARN\]/)

  const redis = await startRedis(t)
  const bare = `redis://127.0.0.1:${redis.port}`
  const env = await startWorker(t, bare, home, 'env', 1, {RAYTS_REDIS_PASSWORD: redis.password})
  t.notRegex(env.stderr(), /note:/)
  const file = join(tempDir(t, 'rayts-pw-'), 'password')
  writeFileSync(file, `${redis.password}\n`, {mode: 0o600})
  const status = await cli(home, ['cluster', 'status', '--redis', bare, '--password-file', file, '--json'])
  t.is(status.exitCode, 0, String(status.stderr))
  t.deepEqual((JSON.parse(String(status.stdout)) as {workers: {name: string}[]}).workers.map((x) => x.name), ['env'])
  const viaEnv = await cli(home, ['cluster', 'status', '--json'], {RAYTS_CLUSTER: bare, RAYTS_REDIS_PASSWORD: redis.password})
  t.is(viaEnv.exitCode, 0, String(viaEnv.stderr))
  const run = await cli(home, ['run', MIX, '--json', '--cluster', bare], {RAYTS_REDIS_PASSWORD: redis.password})
  t.is(run.exitCode, 0, String(run.stderr))
  t.is(resultsOf(String(run.stdout)).total, 8555)

  // a password on the command line works, with a note on where it shows
  const argv = await startWorker(t, redis.url, home, 'argv', 1)
  await until('the note', () => argv.stderr().includes('note: the Redis password is on this command line'), 10_000)
  // bad sources are usage errors, without the password
  const missing = await cli(home, ['cluster', 'status', '--redis', bare, '--password-file', join(home, 'nope')])
  t.is(missing.exitCode, 2)
  t.regex(String(missing.stderr), /--password-file: cannot read .*nope: ENOENT/)
  const both = await cli(home, ['cluster', 'status', '--redis', redis.url, '--password-file', file])
  t.is(both.exitCode, 2)
  t.regex(String(both.stderr), /holds a password and --password-file gives another/)
  t.false(String(both.stderr).includes(redis.password))
})
