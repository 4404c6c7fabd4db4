// Runs one fn batch in the worker: jobs in order, results and logs sent back in few
// messages (flushed when ~2 ms passed since the last flush, when STREAM_CHARS of log text
// wait, and at the end of the batch). Each job's log goes through the per-attempt cap.
import {nowMicros} from '../../core/clock.js'
import {MAX_VALUE_DEPTH, nestedDeeperThan, tooDeepMessage} from '../../core/value-walk.js'
import type {TaskFailure} from '../../core/events.js'
import type {FromWorker, OutItem, WireFn} from '../protocol.js'
import {cwdProblem} from '../cwd.js'
import {LogCap, type Stream} from './log-cap.js'
import {logLimits} from '../../format/log-limits.js'
import {ChainInputs} from './chain.js'
import {uncloneable} from './clone-check.js'
import {toTaskFailure} from './errors.js'
import {cachedFunction, loadFunction} from './load-module.js'
import {readArgs, storeResult} from './objects.js'

const FLUSH_MICROS = 2000
/** log text sent at once even if the event loop is blocked (a task printing in a loop) */
const STREAM_CHARS = 256 * 1024

type Done = Extract<OutItem, {k: 'ok' | 'err'}>

export type Send = (message: FromWorker) => void

export class FnBatchRunner {
  private pending: OutItem[] = []
  private lastFlush = 0
  private timer: NodeJS.Timeout | undefined
  private readonly skipped = new Set<number>()
  /** the job whose output is being captured, or -1 */
  current = -1
  private cwd = process.cwd()
  private jobs: readonly WireFn[] = []
  /** the current job's log cap, made at its first output */
  private cap: LogCap | null = null
  private readonly attemptLogMax = logLimits().attempt
  private pendingChars = 0

  constructor(private readonly send: Send) {}

  skip(i: number): void {
    this.skipped.add(i)
  }

  log(fd: Stream, text: string): void {
    if (this.current < 0) return
    ;(this.cap ??= new LogCap(this.pushLog, this.attemptLogMax)).write(fd, text)
  }

  private readonly pushLog = (fd: Stream, text: string): void => {
    this.pending.push({k: 'log', i: this.current, fd, text})
    this.pendingChars += text.length
    if (this.pendingChars >= STREAM_CHARS) this.flush(false)
    else this.arm()
  }

  async run(jobs: readonly WireFn[]): Promise<void> {
    this.skipped.clear()
    this.jobs = jobs
    this.lastFlush = nowMicros()
    const chain = new ChainInputs(jobs)
    for (let i = 0; i < jobs.length; i++) {
      const job = this.skipped.has(i) ? null : chain.bind(jobs[i]!)
      if (job === null) {
        this.pending.push({k: 'skip', i})
        continue
      }
      this.current = i
      let item = this.runOne(i, job)
      if (item instanceof Promise) item = await item
      chain.keep(i, item)
      if (this.cap) {
        this.cap.end()
        this.cap = null
      }
      this.pending.push(item)
      this.current = -1
      if (i === jobs.length - 1) break // its result goes with the end of the batch
      if (item.e - this.lastFlush > FLUSH_MICROS) this.flush(false)
      else this.arm()
    }
    this.flush(true)
  }

  /** a job's outcome; a promise only when the function returns one (or must be loaded) */
  private runOne(i: number, job: WireFn): Done | Promise<Done> {
    const target = job.fn
    const fn = cachedFunction(target.module + '#' + target.export)
    if (fn === undefined) return this.loadThenRun(i, job)
    if (target.cwd !== this.cwd) {
      const s = nowMicros()
      try {
        process.chdir(target.cwd)
      } catch (error) {
        const message = cwdProblem(target.cwd) ?? (error as Error).message
        return {k: 'err', i, err: {kind: 'error', name: 'CwdError', message}, s, e: nowMicros()}
      }
      this.cwd = target.cwd
    }
    const restoreEnv = target.env ? applyEnv(target.env) : null
    const s = nowMicros()
    let c: number | undefined
    try {
      if (job.timed) this.send({t: 'begin', i, at: s})
      const args = readArgs(job.args)
      c = nowMicros()
      const v = fn(...args)
      if (v !== null && typeof v === 'object' && typeof (v as {then?: unknown}).then === 'function') {
        return settle(i, job, s, c, v as PromiseLike<unknown>, restoreEnv)
      }
      restoreEnv?.()
      return finished(i, job, s, c, v)
    } catch (error) {
      restoreEnv?.()
      const e = nowMicros()
      return {k: 'err', i, err: toTaskFailure(error), s, e, c, r: c === undefined ? undefined : e}
    }
  }

  private async loadThenRun(i: number, job: WireFn): Promise<Done> {
    const s = nowMicros()
    try {
      await loadFunction(job.fn.module + '#' + job.fn.export, job.fn.module, job.fn.export)
    } catch (error) {
      return {k: 'err', i, err: toTaskFailure(error), s, e: nowMicros()}
    }
    return this.runOne(i, job)
  }

  // a fixed 2 ms on the hot path: a bare setTimeout (long delays go through core/timer.ts)
  private arm(): void {
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(false), FLUSH_MICROS / 1000)
  }

  /** Send what is pending. A result that does not clone becomes an error naming its type. */
  flush(end: boolean): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    if (this.pending.length === 0 && !end) return
    const items = this.pending
    this.pending = []
    this.pendingChars = 0
    this.lastFlush = nowMicros()
    try {
      this.send({t: 'out', items, end})
    } catch {
      this.send({t: 'out', items: items.map((item) => checked(item, this.jobs[item.i]?.name ?? `job ${item.i}`)), end})
    }
  }
}

function checked(item: OutItem, name: string): OutItem {
  if (item.k !== 'ok') return item
  const why = uncloneable(item.v)
  if (why === null) return item
  const error: TaskFailure = {kind: 'error', name: 'TypeError', message: `result of ${name} cannot be sent: ${why}`}
  return {k: 'err', i: item.i, err: error, s: item.s, e: item.e}
}

async function settle(i: number, job: WireFn, s: number, c: number, pending: PromiseLike<unknown>, restoreEnv: (() => void) | null): Promise<Done> {
  try {
    return finished(i, job, s, c, await pending)
  } catch (error) {
    const e = nowMicros()
    return {k: 'err', i, err: toTaskFailure(error), s, e, c, r: e}
  } finally {
    restoreEnv?.()
  }
}

/** `c`: when its function was called; from its return on, the result is checked and written */
function finished(i: number, job: WireFn, s: number, c: number, v: unknown): Done {
  const r = nowMicros()
  const numReturns = job.fn.numReturns
  if (numReturns > 1 && (!Array.isArray(v) || v.length !== numReturns)) {
    const got = Array.isArray(v) ? `an array of ${v.length}` : typeof v
    const error: TaskFailure = {kind: 'error', name: 'TypeError', message: `${job.name} must return an array of ${numReturns} values (num_returns), got ${got}`}
    return {k: 'err', i, err: error, s, e: nowMicros(), c, r}
  }
  // the parent could not read it: its IPC channel or the object store's reader would run out of stack
  if (nestedDeeperThan(v, MAX_VALUE_DEPTH)) {
    const error: TaskFailure = {kind: 'error', name: 'RangeError', message: tooDeepMessage(`the result of ${job.name}`)}
    return {k: 'err', i, err: error, s, e: nowMicros()}
  }
  try {
    return {k: 'ok', i, v: storeResult(v, numReturns), s, e: nowMicros(), c, r}
  } catch (error) {
    return {k: 'err', i, err: toTaskFailure(error), s, e: nowMicros(), c, r}
  }
}

function applyEnv(env: Readonly<Record<string, string>>): () => void {
  const saved: [string, string | undefined][] = []
  for (const [k, v] of Object.entries(env)) {
    saved.push([k, process.env[k]])
    process.env[k] = v
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
