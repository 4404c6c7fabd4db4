// One worker process as the parent sees it: fork, message routing, how it ends.
import {type ChildProcess, fork} from 'node:child_process'
import type {Socket} from 'node:net'
import {serialize} from 'node:v8'
import {startTimer} from '../../core/timer.js'
import type {FromWorker, ToWorker} from '../protocol.js'
import {forgetWorker, watchWorker} from './reaper.js'

export type ExitReason = 'max_calls' | 'crash' | 'timeout' | 'cancel' | 'shutdown'

/** who is using a worker: a fn lane, or a command run (messages with its id) */
export interface WorkerUser {
  onMessage(message: FromWorker): void
  onExit(worker: WorkerProc, code: number | null, signal: NodeJS.Signals | null): void
}

export interface WorkerExit {
  readonly worker: WorkerProc
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly reason: ExitReason
}

// From the sources (tests, bin/dev.js) the worker is a .ts file run under tsx; from dist, .js.
const fromSource = import.meta.url.endsWith('.ts')
const WORKER_ENTRY = new URL(fromSource ? '../worker/main.ts' : '../worker/main.js', import.meta.url)
export const WORKER_EXEC_ARGV: readonly string[] = fromSource ? ['--import', import.meta.resolve('tsx')] : []

const RETIRE_KILL_MS = 2000
const STDERR_TAIL = 2048

export class WorkerProc {
  readonly child: ChildProcess
  readonly pid: number
  /** calls run (or handed to it), in all and per function */
  calls = 0
  readonly callsOf = new Map<string, number>()
  mode: 'idle' | 'fn' | 'cmd' = 'idle'
  /** after the current fn batch it must exit (max_calls) */
  retiring = false
  fnUser: WorkerUser | null = null
  readonly cmdUsers = new Map<number, WorkerUser>()
  reason: ExitReason | null = null
  /** the uncaught error it reported before exiting (worker/fatal.ts) */
  fatal: Extract<FromWorker, {t: 'fatal'}> | null = null
  alive = true
  readonly exited: Promise<WorkerExit>
  private ready = false
  private queue: ToWorker[] = []
  private stderrTail = ''

  constructor(onExit: (exit: WorkerExit) => void) {
    this.child = fork(WORKER_ENTRY, [], {
      execArgv: [...WORKER_EXEC_ARGV],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    this.pid = this.child.pid ?? -1
    if (this.pid > 0) watchWorker(this.pid)
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL)
    })
    this.child.on('message', (message: FromWorker) => this.route(message))
    this.child.on('error', () => {}) // send on a closed channel; the exit tells the rest
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.alive = false
        if (this.pid > 0) forgetWorker(this.pid)
        const exit: WorkerExit = {worker: this, code, signal, reason: this.reason ?? 'crash'}
        onExit(exit)
        this.fnUser?.onExit(this, code, signal)
        this.fnUser = null
        for (const user of this.cmdUsers.values()) user.onExit(this, code, signal)
        this.cmdUsers.clear()
        resolve(exit)
      })
    })
  }

  /** throws, as child.send does, when the message does not clone (even while it waits for 'ready') */
  send(message: ToWorker): void {
    if (this.ready) this.child.send(message)
    else {
      serialize(message) // sent later, from an event handler, where a throw would end this process
      this.queue.push(message)
    }
  }

  /** what the worker last wrote to its real stderr (native code, Node itself) */
  lastStderr(): string {
    return this.stderrTail.trim().split('\n').at(-1) ?? ''
  }

  /** SIGKILL: user code may block its event loop */
  kill(reason: ExitReason): void {
    this.reason ??= reason
    if (!this.alive) return
    this.setRef(true) // whoever ends it waits for its exit
    this.child.kill('SIGKILL')
  }

  /** close its channel: it kills its command groups and exits; SIGKILL if it does not */
  retire(reason: ExitReason): void {
    this.reason ??= reason
    if (!this.alive) return
    this.setRef(true)
    if (this.child.connected) this.child.disconnect()
    startTimer(() => this.kill(reason), RETIRE_KILL_MS).unref()
  }

  /**
   * An idle worker must not keep the parent alive; one being ended must, until its exit is
   * seen: a batch's reply read after the kill released it (unref), the loop emptied before
   * SIGCHLD was read, and the close() awaiting its exit never settled (exit 13).
   */
  setRef(ref: boolean): void {
    if (!ref && this.reason !== null) return
    const stderr = this.child.stderr as Socket
    if (ref) {
      this.child.ref()
      this.child.channel?.ref()
      stderr.ref()
    } else {
      this.child.unref()
      this.child.channel?.unref()
      stderr.unref()
    }
  }

  private route(message: FromWorker): void {
    if (message.t === 'ready') {
      this.ready = true
      const queued = this.queue
      this.queue = []
      for (const m of queued) this.child.send(m)
      return
    }
    if (message.t === 'fatal') {
      this.fatal = message
      return
    }
    if ('id' in message) this.cmdUsers.get(message.id)?.onMessage(message)
    else this.fnUser?.onMessage(message)
  }
}
