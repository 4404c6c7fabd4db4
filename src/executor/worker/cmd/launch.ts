// Two ways to start a command, with the same events: from rayts-spawner (a small helper that
// posix_spawns, ../spawn/), or with child_process.spawn from this Node process. Both put the
// command in a session and process group of its own, with piped stdin, stdout and stderr.
//
// Why the helper (measured one sitting, 2-core VM under load ~10, `true` commands/s):
// child_process.spawn loop 29-38, make -j2 71-100, xargs -P2 43-79, helper 117-196.
// Node's spawn forks the whole Node process, and fork copies its page tables. Through the
// executor (the cmd part of `rayts bench overhead`), 68-77 tasks/s against 16-19 before.
import {spawn} from 'node:child_process'
import {constants} from 'node:os'
import {getSystemErrorName} from 'node:util'
import {spawnerBinary} from '../spawn/binary.js'
import {Spawner, type SpawnRequest} from '../spawn/spawner.js'

export interface LaunchEvents {
  started(pid: number): void
  /** it did not start, or (lost) its spawner died under it */
  failed(error: Error, lost?: boolean): void
  stdout(chunk: Buffer): void
  stderr(chunk: Buffer): void
  exited(code: number | null, signal: NodeJS.Signals | null): void
  /** stdout and stderr are closed */
  closed(): void
}

export type Launch = (request: SpawnRequest, events: LaunchEvents) => void

export const launchWithNode: Launch = (request, events) => {
  let child
  try {
    child = spawn(request.file, request.args, {cwd: request.cwd, env: request.env, detached: true, stdio: ['pipe', 'pipe', 'pipe']})
  } catch (error) {
    // some failures throw rather than emit 'error' (a cwd that is a file: ENOTDIR)
    return events.failed(error as Error)
  }
  const pid = child.pid
  if (pid === undefined) {
    child.once('error', (error) => events.failed(error))
    return
  }
  child.once('error', () => {}) // after a start: a kill of a gone process, nothing to tell
  events.started(pid)
  child.stdin.on('error', () => {}) // EPIPE when the command does not read its input
  child.stdin.end(request.stdin)
  child.stdout.on('data', (chunk: Buffer) => events.stdout(chunk))
  child.stderr.on('data', (chunk: Buffer) => events.stderr(chunk))
  child.once('exit', (code, signal) => events.exited(code, signal))
  child.once('close', () => events.closed())
}

const spawners = new Map<string, Spawner>()
/** binaries that could not be run here: child_process.spawn instead */
const unusable = new Set<string>()

/** one helper per process, started with the first command */
export const launchWithSpawner = (binary: string): Launch => (request, events) => {
  // what spawn() refuses (an empty file, a NUL in a string), it refuses with its own words
  if (!framable(request) || unusable.has(binary)) return launchWithNode(request, events)
  let own = spawners.get(binary)
  if (!own) spawners.set(binary, (own = new Spawner(binary)))
  const spawner = own
  spawner.spawn(request, {
    started: (pid) => events.started(pid),
    failed(errno) {
      if (spawner.lost && spawners.get(binary) === spawner) spawners.delete(binary)
      if (spawner.unusable) {
        unusable.add(binary)
        return launchWithNode(request, events)
      }
      if (spawner.lost) return events.failed(new Error(`rayts-spawner (pid ${spawner.pid}) died`), true)
      const code = getSystemErrorName(-errno)
      events.failed(Object.assign(new Error(`spawn ${request.file} ${code}`), {code, errno: -errno}))
    },
    stdout: (chunk) => events.stdout(chunk),
    stderr: (chunk) => events.stderr(chunk),
    exited(status) {
      const signal = status & 0x7f
      if (signal === 0) events.exited((status >> 8) & 0xff, null)
      else events.exited(null, signalName(signal))
    },
    closed: () => events.closed(),
  })
}

function framable({file, args, cwd, env}: SpawnRequest): boolean {
  if (file === '' || file.includes('\0') || cwd.includes('\0')) return false
  for (const arg of args) if (arg.includes('\0')) return false
  for (const key in env) if (key.includes('\0') || env[key]?.includes('\0')) return false
  return true
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]))
function signalName(n: number): NodeJS.Signals {
  return signalNames.get(n) ?? (`SIG${n}` as NodeJS.Signals)
}

/** the helper when it was built, else child_process.spawn */
export function defaultLaunch(): Launch {
  const binary = spawnerBinary()
  return binary ? launchWithSpawner(binary) : launchWithNode
}
