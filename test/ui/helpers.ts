// Synthetic runs for the UI tests: a capture stream and a small event script builder.
import {Writable} from 'node:stream'
import {EventStream, type InstanceInfo, type RunEvent, type TaskFailure} from '../../src/core/events.js'
import type {InstanceMeta} from '../../src/ui/run-model.js'

export class Capture extends Writable {
  chunks: string[] = []
  isTTY?: boolean
  constructor(opts: {isTTY?: boolean} = {}) {
    super()
    if (opts.isTTY !== undefined) this.isTTY = opts.isTTY
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(String(chunk))
    cb()
  }
  get text(): string {
    return this.chunks.join('')
  }
}

/** An instance table from names like `id1`, `add[0]`. */
export function instances(names: string[], extra: Partial<InstanceMeta> = {}): InstanceMeta[] {
  return names.map((name, idx) => {
    const m = /^(.*)\[(\d+)\]$/.exec(name)
    return {idx, name, task: m ? m[1]! : name, index: m ? Number(m[2]) : null, ...extra}
  })
}

/** Emits events with `t` in micros from a base; `at(s)` moves the clock to s seconds. */
export class Script {
  readonly events = new EventStream()
  readonly base = 1_000_000_000
  now = this.base
  at(s: number): this {
    this.now = this.base + Math.round(s * 1e6)
    return this
  }
  clock = (): number => this.now
  emit(e: RunEvent): this {
    this.events.emit(e)
    return this
  }
  start(insts: InstanceInfo[], outputs: string[], capacity: Record<string, number> = {cpu: 2}): this {
    return this.emit({type: 'run-start', t: this.now, wallMs: Date.now(), runId: 'r1', graph: 'g', file: 'g.yaml', capacity, instances: insts, outputs})
  }
  run(inst: number, attempt = 1, pid: number | null = 100): this {
    return this.emit({type: 'start', t: this.now, inst, attempt, pid})
  }
  ok(inst: number, value: unknown, startedAt = this.now, attempt = 1, pid: number | null = 100): this {
    return this.emit({type: 'succeeded', t: this.now, inst, attempt, pid, startedAt, value})
  }
  attemptFailed(inst: number, error: TaskFailure, retry: boolean, attempt = 1, pid: number | null = 100): this {
    return this.emit({type: 'attempt-failed', t: this.now, inst, attempt, pid, startedAt: this.now, error, retryAt: retry ? this.now + 1 : null})
  }
  fail(inst: number, error: TaskFailure): this {
    return this.emit({type: 'failed', t: this.now, inst, error})
  }
  log(inst: number, text: string): this {
    return this.emit({type: 'log', t: this.now, inst, attempt: 1, stream: 'stdout', text})
  }
  end(state: 'succeeded' | 'failed' | 'cancelled' = 'succeeded'): this {
    return this.emit({type: 'run-end', t: this.now, state})
  }
}

export const valueError: TaskFailure = {kind: 'error', name: 'ValueError', message: 'bad input', stack: 'ValueError: bad input\n    at f (/m.mjs:3:9)'}
