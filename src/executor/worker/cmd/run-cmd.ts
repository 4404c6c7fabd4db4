// One attempt of a command: its own process group, stdin fed, stdout collected (bounded),
// stderr streamed, timeout and cancel ending the whole group (SIGTERM, SIGKILL after grace).
// How it starts is launch.ts's business (rayts-spawner, or child_process.spawn; not execa:
// execa 9 measured 2.5x slower per spawn here, and its kill options reach only the direct child).
import {StringDecoder} from 'node:string_decoder'
import {nowMicros} from '../../../core/clock.js'
import type {TaskFailure} from '../../../core/events.js'
import {startTimer, type Timer} from '../../../core/timer.js'
import type {CmdResult, WireCmd} from '../../protocol.js'
import {cwdProblem} from '../../cwd.js'
import {LogCap} from '../log-cap.js'
import {logLimits} from '../../../format/log-limits.js'
import {groupAlive, killGroup} from '../../../core/kill-group.js'
import {GRACE_MS, terminateGroup, type Termination} from '../../terminate/terminate-group.js'
import {defaultLaunch, type Launch} from './launch.js'
import {tooBig} from './arg-limits.js'
import {lastLines, MAX_STDOUT_BYTES, parseOutput} from './output.js'

export interface CmdHooks {
  spawned(pid: number, at: number): void
  stderr(text: string): void
}

export interface RunningCmd {
  readonly result: Promise<CmdResult>
  cancel(): void
}

const STDERR_TAIL = 8192

type StopReason = 'timeout' | 'cancelled' | 'overflow'

/** how often a stopped group is looked at while its members go */
const GONE_POLL_MS = 10
/** after the SIGKILL, how long the result waits for the members to be gone */
const KILLED_MS = 1000
type Outcome = {ok: true; value: unknown} | {ok: false; error: TaskFailure}

export function runCmd(job: WireCmd, baseEnv: NodeJS.ProcessEnv, hooks: CmdHooks, graceMs = GRACE_MS, launch: Launch = defaultLaunch()): RunningCmd {
  const attempt = new CmdAttempt(job, hooks, graceMs)
  return {
    result: attempt.start(baseEnv, launch),
    cancel: () => attempt.stop('cancelled'),
  }
}

/** one attempt's state, from its launch to its result */
class CmdAttempt {
  private readonly s = nowMicros()
  private readonly file: string
  private readonly args: readonly string[]
  private pid: number | null = null
  private stopping: {reason: StopReason; term: Termination | null} | null = null
  /** a stop asked for before the command started */
  private stopWanted: 'timeout' | 'cancelled' | null = null
  private timer: Timer | undefined
  private readonly chunks: Buffer[] = []
  private bytes = 0
  private stderrTail = ''
  private readonly decoder = new StringDecoder('utf8')
  private readonly log: LogCap
  // the result comes once the command has exited, its pipes have closed, and no member of
  // its group is held for the rest of its grace
  private exit: {code: number | null; signal: NodeJS.Signals | null} | null = null
  private closed = false
  private holding = false
  private done = false
  private resolve: (result: CmdResult) => void = () => {}

  constructor(
    private readonly job: WireCmd,
    private readonly hooks: CmdHooks,
    private readonly graceMs: number,
  ) {
    const [file, args] = commandLine(job)
    this.file = file
    this.args = args
    this.log = new LogCap((_fd, text) => hooks.stderr(text), logLimits().attempt)
  }

  start(baseEnv: NodeJS.ProcessEnv, launch: Launch): Promise<CmdResult> {
    const {job, file, args} = this
    return new Promise<CmdResult>((resolve) => {
      this.resolve = resolve
      const env = hasKeys(job.env) ? {...baseEnv, ...job.env} : baseEnv
      launch(
        {file, args, cwd: job.cwd, env, stdin: stdinBytes(job.stdin)},
        {
          started: (started) => {
            this.pid = started
            this.hooks.spawned(started, this.s)
            if (job.timeout !== null) this.timer = startTimer(() => this.stop('timeout'), job.timeout * 1000)
            if (this.stopWanted) this.stop(this.stopWanted)
          },
          failed: (error, lost) => {
            if (lost && this.pid !== null) {
              this.stopping?.term?.clear()
              killGroup(this.pid, 'SIGKILL')
              return this.finish({ok: false, error: {kind: 'crash', name: 'CrashError', message: error.message}})
            }
            this.finish({ok: false, error: spawnError(job, file, error, args, env)})
          },
          stdout: (chunk) => {
            this.bytes += chunk.length
            if (this.bytes > MAX_STDOUT_BYTES) return this.stop('overflow')
            this.chunks.push(chunk)
          },
          stderr: (chunk) => this.stderrText(this.decoder.write(chunk)),
          exited: (code, signal) => this.exited(code, signal),
          closed: () => {
            this.stderrText(this.decoder.end())
            this.closed = true
            this.settle()
          },
        },
      )
    })
  }

  stop(reason: StopReason): void {
    if (this.stopping) return
    const pid = this.pid
    if (pid === null) {
      if (reason !== 'overflow') this.stopWanted ??= reason
      return
    }
    if (reason === 'overflow') {
      this.stopping = {reason, term: null}
      killGroup(pid, 'SIGKILL')
    } else {
      this.stopping = {reason, term: terminateGroup(pid, this.graceMs)}
    }
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.exit = {code, signal}
    this.timer?.clear()
    const group = this.pid!
    const stopping = this.stopping
    // Leave nothing of the group behind. While stopping, members get the rest of the grace.
    if (!stopping) killGroup(group, 'SIGKILL')
    else if (stopping.term && groupAlive(group)) {
      stopping.term.clear()
      this.holding = true
      this.untilGone(group, stopping.term.killAt)
      return
    } else stopping.term?.clear()
    this.settle()
  }

  /**
   * Hold the result until no live member of the stopped group is left: polled, since a
   * member may still be exiting from the SIGTERM when the leader's exit is seen (one look
   * then held every such cancel for the whole grace); SIGKILL at `killAt`, and the result
   * once its members are gone too (or KILLED_MS later).
   */
  private untilGone(group: number, killAt: number): void {
    const look = (): void => {
      const now = Date.now()
      if (now >= killAt) killGroup(group, 'SIGKILL')
      if (!groupAlive(group) || now >= killAt + KILLED_MS) {
        this.holding = false
        return this.settle()
      }
      startTimer(look, GONE_POLL_MS)
    }
    startTimer(look, GONE_POLL_MS)
  }

  private stderrText(text: string): void {
    if (!text) return
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL)
    this.log.write('stderr', text)
  }

  private settle(): void {
    if (!this.exit || !this.closed || this.holding) return
    this.finish(this.outcome(this.exit.code, this.exit.signal))
  }

  private finish(outcome: Outcome): void {
    if (this.done) return
    this.done = true
    this.timer?.clear()
    this.log.end()
    this.resolve({...outcome, s: this.s, e: nowMicros(), pid: this.pid})
  }

  private outcome(code: number | null, signal: NodeJS.Signals | null): Outcome {
    const {job, stopping} = this
    if (stopping?.reason === 'timeout') return {ok: false, error: {kind: 'timeout', name: 'TimeoutError', message: `timed out after ${job.timeout} s`}}
    if (stopping?.reason === 'cancelled') return {ok: false, error: {kind: 'cancelled', name: 'CancelledError', message: 'cancelled'}}
    if (stopping?.reason === 'overflow')
      return {ok: false, error: {kind: 'error', name: 'OutputLimitError', message: `stdout of ${job.name} exceeded ${MAX_STDOUT_BYTES / 1024 / 1024} MiB`}}
    const tail = lastLines(this.stderrTail, 5)
    if (signal !== null)
      return {ok: false, error: {kind: 'crash', name: 'CrashError', message: `command killed by ${signal}${tail ? '\n' + tail : ''}`, signal}}
    if (code !== 0)
      return {ok: false, error: {kind: 'error', name: 'ExitError', message: `command exited with code ${code}${tail ? '\n' + tail : ''}`, exitCode: code ?? -1}}
    return parseOutput(Buffer.concat(this.chunks).toString('utf8'), job.output, job.name)
  }
}

/** the program and its arguments: a shell line runs under /bin/sh -c */
function commandLine(job: WireCmd): [string, readonly string[]] {
  return 'shell' in job.command ? ['/bin/sh', ['-c', job.command.shell]] : [job.command.argv[0] ?? '', job.command.argv.slice(1)]
}

/** a command that did not start; a bad cwd is named, since spawn blames the program */
function spawnError(job: WireCmd, file: string, error: Error, args: readonly string[], env: NodeJS.ProcessEnv): TaskFailure {
  const message = (error as NodeJS.ErrnoException).code === 'E2BIG' ? tooBig(file, args, env) : `cannot run ${file}: ${error.message}`
  return {kind: 'error', name: 'SpawnError', message: cwdProblem(job.cwd) ?? message}
}

const NO_INPUT = new Uint8Array(0)
function stdinBytes(stdin: WireCmd['stdin']): Uint8Array {
  if (stdin === undefined) return NO_INPUT
  return typeof stdin === 'string' ? Buffer.from(stdin) : stdin
}

function hasKeys(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return true
  return false
}
