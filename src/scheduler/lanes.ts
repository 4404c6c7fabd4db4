// The slots a batch holds. A batch runs its jobs one at a time in one lane, so it takes its
// demand from the pool once, and gives it back when the last of its jobs (chain links
// included) is out: reported done, or taken back.
import type {Job} from '../executor/types.js'
import type {Demand, ResourcePool} from './resources.js'

interface Lane {
  readonly demand: Demand
  open: number
}

export class Lanes {
  /** the lane of each instance handed to the executor, until it is out */
  private readonly byInst = new Map<number, Lane>()

  constructor(private readonly pool: ResourcePool) {}

  /** `jobs`, one batch, take `demand` until the last of them is out (one record per batch) */
  hold(demand: Demand, jobs: readonly Job[]): void {
    this.pool.take(demand)
    const lane: Lane = {demand, open: 0}
    for (const j of jobs) {
      this.byInst.set(j.inst, lane)
      lane.open++
      if (j.kind === 'fn' && j.chain) {
        for (const link of j.chain.links) this.byInst.set(link.inst, lane)
        lane.open += j.chain.links.length
      }
    }
  }

  /** handed to the executor and not out yet */
  has(inst: number): boolean {
    return this.byInst.has(inst)
  }

  /** an instance is out of its lane (done, or taken back): the lane's slots are free after its last */
  leave(inst: number): void {
    const lane = this.byInst.get(inst)
    if (!lane) return
    this.byInst.delete(inst)
    if (--lane.open === 0) this.pool.give(lane.demand)
  }
}
