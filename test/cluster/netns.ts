// Test hosts as Linux network namespaces: a bridge of our own (a free private /24, the
// root namespace at .1), one namespace per host joined to it by a veth pair, a password-
// protected redis-server bound to the bridge address, and a real `rayts worker` inside each
// namespace. Nothing leaves the bridge: the namespaces have no default route. Everything is
// removed in t.teardown (and, as a last resort, when the test process exits).
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:net'
import type {ExecutionContext} from 'ava'
import {Redis} from 'ioredis'
import {readDeliveries} from '../../src/cluster/deliver.js'
import {HAVE_REDIS, NO_REDIS, ROOT, DEV, redisAnswers, tempDir, until} from './helpers.js'

function ip(...args: string[]): {ok: boolean; out: string; err: string} {
  const r = spawnSync('ip', args, {encoding: 'utf8', timeout: 20_000})
  return {ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim() || (r.error?.message ?? '')}
}

/** why the namespace tests cannot run here, or null */
function probe(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (!HAVE_REDIS) return NO_REDIS
  if (process.getuid?.() !== 0) return 'not root (creating network namespaces and bridges needs root)'
  if (spawnSync('ip', ['-V']).status !== 0) return '`ip` (iproute2) is not installed'
  const name = `rtprobe${randomBytes(3).toString('hex')}`
  const ns = ip('netns', 'add', name)
  if (!ns.ok) return `\`ip netns add\` was refused: ${ns.err}`
  ip('netns', 'del', name)
  const br = ip('link', 'add', name, 'type', 'bridge')
  if (!br.ok) return `\`ip link add ... type bridge\` was refused: ${br.err}`
  ip('link', 'del', name)
  return null
}

export const NETNS_PROBLEM = probe()

// ---- a free private /24 ----

const toInt = (a: string): number => a.split('.').reduce((n, x) => n * 256 + Number(x), 0) >>> 0

/** every IPv4 network the machine has an address or a route in */
function usedNetworks(): {base: number; mask: number}[] {
  const text = ip('-4', '-o', 'addr', 'show').out + '\n' + ip('-4', 'route', 'show', 'table', 'all').out
  const nets: {base: number; mask: number}[] = []
  for (const m of text.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)) {
    const bits = m[2] === undefined ? 32 : Number(m[2])
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    nets.push({base: (toInt(m[1]!) & mask) >>> 0, mask})
  }
  return nets
}

function pickSubnet(): string {
  const used = usedNetworks()
  for (let i = 0; i < 50; i++) {
    const prefix = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 256)}`
    const base = toInt(`${prefix}.0`)
    const mask = 0xffffff00
    // overlap: either network contains the other's base (the default route, mask 0, is skipped)
    if (!used.some((u) => u.mask !== 0 && (((base & u.mask) >>> 0) === u.base || ((u.base & mask) >>> 0) === base))) return prefix
  }
  throw new Error('no free 10.x.y.0/24 found for the test bridge')
}

// ---- the network ----

export interface TestHost {
  readonly index: number
  readonly name: string
  readonly ns: string
  /** the root namespace's end of the host's veth pair (down = the host is cut off) */
  readonly veth: string
  readonly address: string
}

export interface TestNet {
  readonly bridge: string
  readonly bridgeAddress: string
  readonly hosts: readonly TestHost[]
  /** pids of every process in a host's namespace */
  pids(host: TestHost): number[]
  /** kill -9 every process of a host (until none is left) */
  killHost(host: TestHost): number
  /** take the host's link down / up */
  cut(host: TestHost): void
  restore(host: TestHost): void
}

function pidsIn(ns: string): number[] {
  return ip('netns', 'pids', ns)
    .out.split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid)
}

function killAllIn(ns: string): number {
  let killed = 0
  for (let round = 0; round < 50; round++) {
    const pids = pidsIn(ns)
    if (pids.length === 0) return killed
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
        killed++
      } catch {
        // already gone
      }
    }
    spawnSync('sleep', ['0.1'])
  }
  return killed
}

export function createNet(t: ExecutionContext, count: number): TestNet {
  const tag = randomBytes(3).toString('hex')
  const prefix = pickSubnet()
  const bridge = `rtb${tag}`
  const hosts: TestHost[] = []
  for (let i = 1; i <= count; i++) {
    hosts.push({index: i, name: `h${i}`, ns: `rayts-t-${tag}-h${i}`, veth: `rth${tag}${i}`, address: `${prefix}.${10 + i}`})
  }
  let cleaned = false
  const cleanup = (): void => {
    if (cleaned) return
    cleaned = true
    for (const h of hosts) {
      killAllIn(h.ns)
      ip('netns', 'del', h.ns)
      ip('link', 'del', h.veth)
    }
    ip('link', 'del', bridge)
  }
  // registered before anything exists, so a half-built network is removed too
  t.teardown(cleanup)
  process.once('exit', cleanup)
  const must = (...args: string[]): void => {
    const r = ip(...args)
    if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.err}`)
  }
  must('link', 'add', bridge, 'type', 'bridge')
  must('addr', 'add', `${prefix}.1/24`, 'dev', bridge)
  must('link', 'set', bridge, 'up')
  for (const h of hosts) {
    const inner = `rtn${tag}${h.index}`
    must('netns', 'add', h.ns)
    must('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', inner)
    must('link', 'set', inner, 'netns', h.ns)
    must('link', 'set', h.veth, 'master', bridge)
    must('link', 'set', h.veth, 'up')
    must('-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', inner)
    must('-n', h.ns, 'link', 'set', inner, 'up')
    must('-n', h.ns, 'link', 'set', 'lo', 'up')
  }
  return {
    bridge,
    bridgeAddress: `${prefix}.1`,
    hosts,
    pids: (h) => pidsIn(h.ns),
    killHost: (h) => killAllIn(h.ns),
    cut: (h) => must('link', 'set', h.veth, 'down'),
    restore: (h) => must('link', 'set', h.veth, 'up'),
  }
}

// ---- Redis on the bridge ----

function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, host, () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export interface BridgeRedis {
  readonly url: string
  readonly address: string
  readonly port: number
  /** '' when started with `password: false` */
  readonly password: string
  /** a client (closed in teardown) */
  readonly client: Redis
}

/** `password: false`: a Redis that serves anyone on the bridge (the url then holds none) */
export async function startRedisOn(t: ExecutionContext, address: string, options: {password?: boolean} = {}): Promise<BridgeRedis> {
  const dir = tempDir(t, 'rayts-redis-')
  const port = await freePortOn(address)
  const password = options.password === false ? '' : `pw${randomBytes(9).toString('hex')}`
  const auth = password ? ['--requirepass', password] : []
  const proc = spawn(
    'redis-server',
    // protected mode would refuse clients off loopback without a password: off, to test rayts's own check
    ['--port', String(port), '--bind', address, ...auth, '--protected-mode', 'no', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir],
    {stdio: 'ignore'},
  )
  const stop = (): void => {
    proc.kill('SIGKILL')
  }
  t.teardown(stop)
  process.once('exit', stop)
  const url = password ? `redis://:${password}@${address}:${port}` : `redis://${address}:${port}`
  await until('redis-server on the bridge', () => redisAnswers(url), 10_000)
  const client = new Redis(url, {maxRetriesPerRequest: null})
  client.on('error', () => {})
  t.teardown(() => client.disconnect())
  return {url, address, port, password, client}
}

// ---- workers inside the namespaces ----

export interface HostWorker {
  readonly host: TestHost
  readonly proc: ChildProcess
  stderr(): string
}

/** `rayts worker` inside the host's namespace, with a RAYTS_HOME of its own; resolves once joined */
export async function startHostWorker(t: ExecutionContext, host: TestHost, url: string, numCpus: number, env: Record<string, string> = {}, args: readonly string[] = []): Promise<HostWorker> {
  const home = tempDir(t, `rayts-${host.name}-`)
  const proc = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', DEV, 'worker', '--redis', url, '--num-cpus', String(numCpus), '--name', host.name, ...args], {
    cwd: ROOT,
    env: {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', RAYTS_CLUSTER: '', RAYTS_TEST_HOST: host.name, ...env},
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  t.teardown(() => {
    try {
      process.kill(-proc.pid!, 'SIGKILL')
    } catch {
      // gone (the namespace's teardown kills whatever is left in it)
    }
  })
  await until(`worker ${host.name} to join`, () => {
    if (proc.exitCode !== null) throw new Error(`worker ${host.name} exited: ${err}`)
    return err.includes('joined')
  }, 60_000)
  return {host, proc, stderr: () => err}
}

// ---- what Redis recorded ----

/** kept outcome messages ('d') of every session stream, by `inst:attempt`, and successes by inst */
export async function recordedOutcomes(redis: Redis): Promise<{kept: Map<string, number>; dropped: Map<string, number>; succeeded: Map<number, number>}> {
  const kept = new Map<string, number>()
  const dropped = new Map<string, number>()
  const succeeded = new Map<number, number>()
  const streams = await redis.keys('rayts:s:*:out')
  for (const key of streams) {
    for (const {message: m, kept: k} of await readDeliveries(redis, key)) {
      if (m.k !== 'd') continue
      const id = `${m.inst}:${m.attempt}`
      const into = k ? kept : dropped
      into.set(id, (into.get(id) ?? 0) + 1)
      if (k && !m.error) succeeded.set(m.inst, (succeeded.get(m.inst) ?? 0) + 1)
    }
  }
  return {kept, dropped, succeeded}
}

/** the heartbeat a worker (by name) last published */
export async function heartbeatOf(redis: Redis, name: string): Promise<{completed: number; used: Record<string, number>; beatMs: number} | undefined> {
  for (const key of await redis.keys('rayts:w:*')) {
    const v = await redis.get(key)
    if (!v) continue
    const info = JSON.parse(v) as {name: string; completed: number; used: Record<string, number>; beatMs: number}
    if (info.name === name) return info
  }
  return undefined
}
