// A real redis-server (password, loopback, free port, temp dir) and real `rayts worker`
// processes for the cluster tests; everything started here is killed in t.teardown.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ExecutionContext} from 'ava'
import {execa, type Options, type ResultPromise} from 'execa'
import {Redis} from 'ioredis'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DEV = join(ROOT, 'bin/dev.js')
export const FIXTURES = join(ROOT, 'test/cluster/fixtures')

export const HAVE_REDIS = spawnSync('sh', ['-c', 'command -v redis-server'], {encoding: 'utf8'}).status === 0
export const NO_REDIS = 'redis-server is not installed (apt-get install -y redis-server): cluster tests skipped'

import {until} from '../helpers/poll.js'
import {readDeliveries} from '../../src/cluster/deliver.js'

export {until}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export function tempDir(t: ExecutionContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** whether a Redis at url answers PING (one short-lived connection, no retries) */
export async function redisAnswers(url: string): Promise<boolean> {
  const c = new Redis(url, {lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
  c.on('error', () => {})
  try {
    await c.connect()
    return (await c.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    c.disconnect()
  }
}

export interface TestRedis {
  readonly url: string
  readonly port: number
  readonly password: string
  client(): Redis
  /** kill -9 the server (its data is gone: it keeps nothing on disk) */
  kill9(): Promise<void>
  /** start it again on the same port with the same password */
  restart(): Promise<void>
  /** SIGSTOP / SIGCONT: a hung server that still accepts connections */
  pause(): void
  unpause(): void
}

/** `password: false`: a Redis that serves anyone (url and password then hold none) */
export async function startRedis(t: ExecutionContext, options: {password?: boolean} = {}): Promise<TestRedis> {
  const dir = tempDir(t, 'rayts-redis-')
  const port = await freePort()
  const password = options.password === false ? '' : `pw${Math.random().toString(36).slice(2)}`
  const auth = password ? ['--requirepass', password] : []
  const spawnServer = (): ChildProcess =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', ...auth, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir],
      {stdio: 'ignore'},
    )
  let proc = spawnServer()
  t.teardown(() => {
    proc.kill('SIGKILL')
  })
  const url = password ? `redis://:${password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`
  const clients: Redis[] = []
  t.teardown(() => {
    for (const c of clients) c.disconnect()
  })
  await until('redis-server', () => redisAnswers(url), 10_000)
  return {
    url,
    port,
    password,
    async kill9() {
      const gone = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGKILL')
      await gone
    },
    async restart() {
      proc = spawnServer()
      await until('redis-server to restart', () => redisAnswers(url), 10_000)
    },
    pause() {
      proc.kill('SIGSTOP')
    },
    unpause() {
      proc.kill('SIGCONT')
    },
    client() {
      const c = new Redis(url, {maxRetriesPerRequest: null})
      c.on('error', () => {})
      clients.push(c)
      return c
    },
  }
}

export interface TestWorker {
  readonly proc: ChildProcess
  readonly name: string
  stderr(): string
  /** kill -9 the worker and every process of its group (its pool) */
  kill9(): void
}

/** a real `rayts worker` process in a process group of its own; resolves once it has joined */
export async function startWorker(t: ExecutionContext, url: string, home: string, name: string, numCpus = 1, env: Record<string, string> = {}): Promise<TestWorker> {
  const proc = spawn(process.execPath, ['--import', 'tsx', DEV, 'worker', '--redis', url, '--num-cpus', String(numCpus), '--name', name], {
    cwd: ROOT,
    env: {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_CLUSTER: '', ...env},
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const kill9 = (): void => {
    try {
      process.kill(-proc.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  t.teardown(kill9)
  await until(`worker ${name} to join`, () => {
    if (proc.exitCode !== null) throw new Error(`worker ${name} exited: ${err}`)
    return err.includes('joined')
  }, 30_000)
  return {proc, name, stderr: () => err, kill9}
}

export function cli(home: string, args: string[], env: Record<string, string> = {}, options: Options = {}): ResultPromise {
  return execa(process.execPath, ['--import', 'tsx', DEV, ...args], {
    cwd: ROOT,
    env: {RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_CLUSTER: '', ...env},
    reject: false,
    ...options,
  })
}

/** the `result` lines of `rayts run --json`, by instance name */
export function resultsOf(stdout: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue
    const o = JSON.parse(line) as {type: string; instance?: string; value?: unknown}
    if (o.type === 'result' && o.instance) out[o.instance] = o.value
  }
  return out
}

/** the started messages ('s') the coordinators received from a worker (by name): their pids */
export async function startPidsFrom(redis: Redis, name: string): Promise<(number | null)[]> {
  const pids: (number | null)[] = []
  for (const key of await redis.keys('rayts:s:*:out')) {
    for (const {message: m, kept} of await readDeliveries(redis, key)) if (kept && m.k === 's' && m.worker === name) pids.push(m.pid)
  }
  return pids
}

/** how many started messages the coordinators received from a worker (by name) */
export async function startsFrom(redis: Redis, name: string): Promise<number> {
  return (await startPidsFrom(redis, name)).length
}
