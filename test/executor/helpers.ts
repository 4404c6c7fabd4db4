// A sink that records what the executor reports, and job builders for tests.
import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {ExecutorEvent, ExecutorSink, JobOutcome} from '../../src/executor/types.js'
import type {CmdJob, FnJob} from '../../src/executor/types.js'

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
export const TASKS = fixture('tasks.mjs')

export interface Started {
  inst: number
  attempt: number
  pid: number | null
  at: number
}
export interface Log {
  inst: number
  stream: 'stdout' | 'stderr'
  text: string
}

export class RecordingSink {
  readonly started: Started[] = []
  readonly done: JobOutcome[] = []
  readonly logs: Log[] = []
  readonly events: ExecutorEvent[] = []
  private waiters: {n: number; resolve: () => void}[] = []

  readonly sink: ExecutorSink = {
    started: (inst, attempt, pid, at) => {
      this.started.push({inst, attempt, pid, at})
    },
    done: (outcome) => {
      this.done.push(outcome)
      this.waiters = this.waiters.filter((w) => (this.done.length >= w.n ? (w.resolve(), false) : true))
    },
    log: (inst, _attempt, stream, text) => {
      this.logs.push({inst, stream, text})
    },
    event: (event) => {
      this.events.push(event)
    },
  }

  /** resolves when n outcomes have arrived */
  waitDone(n: number): Promise<void> {
    if (this.done.length >= n) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({n, resolve}))
  }

  outcome(inst: number): JobOutcome {
    const found = this.done.filter((o) => o.inst === inst)
    if (found.length !== 1) throw new Error(`instance ${inst}: ${found.length} outcomes`)
    return found[0]!
  }

  logText(inst: number, stream: 'stdout' | 'stderr'): string {
    return this.logs
      .filter((l) => l.inst === inst && l.stream === stream)
      .map((l) => l.text)
      .join('')
  }
}

export function fnJob(inst: number, exportName: string, args: unknown[] = [], extra: Partial<FnJob> = {}): FnJob {
  return {
    kind: 'fn',
    inst,
    attempt: 1,
    name: `${exportName}[${inst}]`,
    timeout: null,
    env: {},
    cwd: process.cwd(),
    module: TASKS,
    export: exportName,
    args,
    numReturns: 1,
    maxCalls: 0,
    ...extra,
  }
}

export function cmdJob(inst: number, command: CmdJob['command'], extra: Partial<CmdJob> = {}): CmdJob {
  return {
    kind: 'cmd',
    inst,
    attempt: 1,
    name: `cmd[${inst}]`,
    timeout: null,
    env: {},
    cwd: process.cwd(),
    command,
    stdin: undefined,
    output: 'text',
    ...extra,
  }
}

/** live (not zombie) processes of a process group, from /proc */
export function liveGroupMembers(pgid: number): number[] {
  const live: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') live.push(Number(entry))
  }
  return live
}

/** true when the process exists and is not a zombie */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export {eventually} from '../helpers/poll.js'
