// One attempt of a command: its own process group, stdin fed, stdout collected (bounded),
// stderr streamed, timeout and cancel ending the whole group (SIGTERM, SIGKILL after grace).
// How it starts is launch.ts's business (rayts-spawner, or child_process.spawn; not execa:
// execa 9 measured 2.5x slower per spawn here, and its kill options reach only the direct child).
import {StringDecoder} from 'node:string_decoder'
import {nowMicros} from '../../core/clock.js'
import type {TaskError} from '../../core/events.js'
import {startTimer, type Timer} from '../../core/timer.js'
import type {CmdResult, WireCmd} from '../protocol.js'
import {cwdProblem} from '../cwd.js'
import {LogCap} from '../log-cap.js'
import {logLimits} from '../../format/log-limits.js'
import {groupAlive, killGroup} from '../../core/kill-group.js'
import {GRACE_MS, terminateGroup, type Termination} from '../terminate/terminate-group.js'
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

export function runCmd(job: WireCmd, baseEnv: NodeJS.ProcessEnv, hooks: CmdHooks, graceMs = GRACE_MS, launch: Launch = defaultLaunch()): RunningCmd {
  const [file, args] = 'shell' in job.command ? ['/bin/sh', ['-c', job.command.shell]] : [job.command.argv[0] ?? '', job.command.argv.slice(1)]
  const s = nowMicros()
  let pid: number | null = null
  let stopping: {reason: 'timeout' | 'cancelled' | 'overflow'; term: Termination | null} | null = null
  /** a stop asked for before the command started */
  let stopWanted: 'timeout' | 'cancelled' | null = null
  let timer: Timer | undefined
  const chunks: Buffer[] = []
  let bytes = 0
  let stderrTail = ''
  const decoder = new StringDecoder('utf8')
  const log = new LogCap((_fd, text) => hooks.stderr(text), logLimits().attempt)

  function stop(reason: 'timeout' | 'cancelled' | 'overflow'): void {
    if (stopping) return
    if (pid === null) {
      if (reason !== 'overflow') stopWanted ??= reason
      return
    }
    if (reason === 'overflow') {
      stopping = {reason, term: null}
      killGroup(pid, 'SIGKILL')
    } else {
      stopping = {reason, term: terminateGroup(pid, graceMs)}
    }
  }

  const result = new Promise<CmdResult>((resolve) => {
    let done = false
    const finish = (outcome: {ok: true; value: unknown} | {ok: false; error: TaskError}): void => {
      if (done) return
      done = true
      timer?.clear()
      log.end()
      resolve({...outcome, s, e: nowMicros(), pid})
    }
    const stderrText = (text: string): void => {
      if (!text) return
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL)
      log.write('stderr', text)
    }

    let exit: {code: number | null; signal: NodeJS.Signals | null} | null = null
    let closed = false
    let holding = false
    const settle = (): void => {
      if (!exit || !closed || holding) return
      finish(outcome(exit.code, exit.signal))
    }

    const env = hasKeys(job.env) ? {...baseEnv, ...job.env} : baseEnv
    launch(
      {file, args, cwd: job.cwd, env, stdin: stdinBytes(job.stdin)},
      {
        started(started) {
          pid = started
          hooks.spawned(started, s)
          if (job.timeout !== null) timer = startTimer(() => stop('timeout'), job.timeout * 1000)
          if (stopWanted) stop(stopWanted)
        },
        failed(error, lost) {
          if (lost && pid !== null) {
            stopping?.term?.clear()
            killGroup(pid, 'SIGKILL')
            return finish({ok: false, error: {kind: 'crash', name: 'CrashError', message: error.message}})
          }
          finish({ok: false, error: spawnError(job, file, error, args, env)})
        },
        stdout(chunk) {
          bytes += chunk.length
          if (bytes > MAX_STDOUT_BYTES) return stop('overflow')
          chunks.push(chunk)
        },
        stderr: (chunk) => stderrText(decoder.write(chunk)),
        exited(code, signal) {
          exit = {code, signal}
          timer?.clear()
          const group = pid!
          // Leave nothing of the group behind. While stopping, members get the rest of the grace.
          if (!stopping) killGroup(group, 'SIGKILL')
          else if (stopping.term && groupAlive(group)) {
            const wait = Math.max(0, stopping.term.killAt - Date.now())
            stopping.term.clear()
            holding = true
            startTimer(() => {
              killGroup(group, 'SIGKILL')
              holding = false
              settle()
            }, wait)
            return
          } else stopping.term?.clear()
          settle()
        },
        closed() {
          stderrText(decoder.end())
          closed = true
          settle()
        },
      },
    )
  })

  function outcome(code: number | null, signal: NodeJS.Signals | null): {ok: true; value: unknown} | {ok: false; error: TaskError} {
    if (stopping?.reason === 'timeout') return {ok: false, error: {kind: 'timeout', name: 'TimeoutError', message: `timed out after ${job.timeout} s`}}
    if (stopping?.reason === 'cancelled') return {ok: false, error: {kind: 'cancelled', name: 'CancelledError', message: 'cancelled'}}
    if (stopping?.reason === 'overflow')
      return {ok: false, error: {kind: 'error', name: 'OutputLimitError', message: `stdout of ${job.name} exceeded ${MAX_STDOUT_BYTES / 1024 / 1024} MiB`}}
    const tail = lastLines(stderrTail, 5)
    if (signal !== null)
      return {ok: false, error: {kind: 'crash', name: 'CrashError', message: `command killed by ${signal}${tail ? '\n' + tail : ''}`, signal}}
    if (code !== 0)
      return {ok: false, error: {kind: 'error', name: 'ExitError', message: `command exited with code ${code}${tail ? '\n' + tail : ''}`, exitCode: code ?? -1}}
    return parseOutput(Buffer.concat(chunks).toString('utf8'), job.output, job.name)
  }

  return {
    result,
    cancel: () => stop('cancelled'),
  }
}

/** a command that did not start; a bad cwd is named, since spawn blames the program */
function spawnError(job: WireCmd, file: string, error: Error, args: readonly string[], env: NodeJS.ProcessEnv): TaskError {
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
