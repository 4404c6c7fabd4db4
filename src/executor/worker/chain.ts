// Chain fusion in the worker: a link runs right after the job it takes its input from, with
// that job's result at its argument positions, when that job succeeded; otherwise the link
// is skipped (the scheduler takes it back). The input is a copy made by the same V8
// serializer as the IPC channel, so a link sees what it would have got through the runner,
// and nothing it does to its arguments changes the result already reported.
import {deserialize, serialize} from 'node:v8'
import type {OutItem, WireFn} from '../protocol.js'

export class ChainInputs {
  /** jobs whose result a later link of the batch takes */
  private readonly feeds: Set<number> | null = null
  private readonly inputs = new Map<number, Buffer>()

  constructor(jobs: readonly WireFn[]) {
    for (const job of jobs) if (job.link) (this.feeds ??= new Set()).add(job.link.from)
  }

  /** the job to run: a link with its input in place, or null when its input failed */
  bind(job: WireFn): WireFn | null {
    const link = job.link
    if (!link) return job
    const input = this.inputs.get(link.from)
    if (input === undefined) return null
    this.inputs.delete(link.from)
    const args = job.args.slice()
    for (const k of link.fill) args[k] = deserialize(input)
    return {name: job.name, fn: job.fn, args, timed: job.timed, link}
  }

  /** keep job i's result when a link takes it */
  keep(i: number, item: OutItem): void {
    if (item.k !== 'ok' || !this.feeds?.has(i)) return
    try {
      this.inputs.set(i, serialize(item.v))
    } catch {
      // not cloneable: the link is skipped, and the flush reports this result as an error
    }
  }
}
