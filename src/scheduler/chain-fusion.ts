// Chain fusion (executor/types.ts, FnChain): a ready fn job takes along the chain of
// instances after it, each the one dependent of the one before, so that a long chain of
// short tasks runs in one worker without a round trip through the scheduler per link.
// This module picks the links and keeps track of them until they are reported done or
// taken back; the scheduler's state machine decides everything else.
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import type {FnChain, FnJob} from '../executor/types.js'
import type {BatchSizer} from './batch-size.js'
import {PENDING, type InstanceTable} from './instance-table.js'
import {buildLink, fnKey} from './jobs.js'
import type {ResolveContext} from './resolve.js'
import {noKeys, type Demand} from './resources.js'

/** links of one chain at most: a chain of 100,000 no-op tasks costs 100 round trips, not 100,000 */
const CHAIN_MAX = 1000

/** what chain fusion asks of the scheduler (one object per run, made once) */
export interface ChainHost {
  /** a dynamic fan-out's marker that has expanded (it waits for its instances, not its source) */
  expanded(idx: number): boolean
  /** its result comes without running it here (reused from an earlier run, or looked up in the cache) */
  resultElsewhere(spec: InstanceSpec): boolean
  demandFor(task: TaskSpec): Demand
  contextFor(spec: InstanceSpec): ResolveContext
  /** a link taken back is out of its lane */
  leaveLane(idx: number): void
}

export class ChainFusion {
  /** chain links handed to the executor, until they are reported done (or taken back) */
  private readonly linked = new Set<number>()
  /** an instance → the chain link that takes its result */
  private readonly linkAfter = new Map<number, number>()

  constructor(
    private readonly table: InstanceTable,
    private readonly sizer: BatchSizer,
    private readonly host: ChainHost,
  ) {}

  /** a link handed to the executor, not yet reported done */
  isLink(idx: number): boolean {
    return this.linked.has(idx)
  }

  /** the chain of links after `first`, each the one dependent of the one before, or null */
  chainAfter(first: number, demand: Demand): FnChain | null {
    const table = this.table
    let links: FnJob[] | null = null
    let before = first
    while (links === null || links.length < CHAIN_MAX) {
      const next = this.nextLink(before, demand)
      if (next < 0) break
      const spec = table.spec(next)
      const link = buildLink(spec, table.attempts[next]! + 1, table.spec(before), this.host.contextFor(spec))
      if (!link) break
      table.attempts[next]!++
      ;(links ??= []).push(link)
      this.linked.add(next)
      this.linkAfter.set(before, next)
      before = next
    }
    return links ? {links, claimed: false} : null
  }

  /** an attempt of `inst` is reported done: on success its link runs; else the executor drops it */
  ended(inst: number, ok: boolean): void {
    this.linked.delete(inst)
    if (ok) this.linkAfter.delete(inst)
    else this.takeBack(inst)
  }

  /** take back the links after `before`, which the executor will not run: not attempted */
  takeBack(before: number): void {
    let d = this.linkAfter.get(before)
    this.linkAfter.delete(before)
    while (d !== undefined && this.linked.delete(d)) {
      this.table.attempts[d]!--
      this.host.leaveLane(d)
      const next = this.linkAfter.get(d)
      this.linkAfter.delete(d)
      d = next
    }
  }

  /** the instance that may run as `before`'s link, or -1: its one dependent, waiting for
   * nothing else, a short fn task without a timeout, of the same demand, not reused */
  private nextLink(before: number, demand: Demand): number {
    const table = this.table
    if (table.isMade(before)) return -1 // its dependent is its fan-out's marker
    const {offsets, flat} = table.dependents
    const from = offsets[before]! // before is one of the graph's: offsets has its entry and the next
    if (offsets[before + 1]! - from !== 1) return -1
    const d = flat[from]!
    if (table.state[d] !== PENDING || table.waiting[d] !== 1 || this.linked.has(d) || this.host.expanded(d)) return -1
    const spec = table.spec(d)
    const task = spec.task
    // a link with a timeout is not run in a chain: its clock starts with a message from the
    // worker, which then also has to flush the results before it (measure before doing so)
    if (spec.marker || task.kind !== 'fn' || task.options.timeout !== null || this.host.resultElsewhere(spec)) return -1
    if (!this.sizer.isShort(fnKey(task))) return -1
    // the same demand; without named resources, without making a Demand per task (100,000
    // tasks of a chain made 100,000 of them, ~1 % of a run's CPU)
    const o = task.options
    const p = table.spec(before).task.options
    if (!(o.numCpus === p.numCpus && noKeys(o.resources) && noKeys(p.resources)) && this.host.demandFor(task).key !== demand.key) return -1
    return d
  }
}
