// A worker's own slot accounting: a batch waits until its CPUs and resources are free.
import type {Demand} from '../scheduler/resources.js'
import {ResourcePool} from '../scheduler/resources.js'

export class ResourceGate {
  private readonly pool: ResourcePool
  private readonly waiting: {demand: Demand; go: () => void}[] = []
  private readonly held = new Map<string, number>()

  constructor(readonly capacity: Readonly<Record<string, number>>) {
    this.pool = new ResourcePool(capacity)
  }

  /** null if the demand fits this worker's total capacity, else why not */
  neverFits(demand: Demand): string | null {
    return this.pool.neverFits(demand)
  }

  acquire(demand: Demand): Promise<void> {
    if (this.waiting.length === 0 && this.pool.fits(demand)) {
      this.take(demand)
      return Promise.resolve()
    }
    return new Promise((go) => this.waiting.push({demand, go}))
  }

  release(demand: Demand): void {
    this.pool.give(demand)
    demand.names.forEach((n, i) => this.held.set(n, (this.held.get(n) ?? 0) - demand.amounts[i]!))
    while (this.waiting.length > 0 && this.pool.fits(this.waiting[0]!.demand)) {
      const next = this.waiting.shift()!
      this.take(next.demand)
      next.go()
    }
  }

  /** capacity held now */
  used(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [n, v] of this.held) out[n] = v / 1_000_000
    return out
  }

  private take(demand: Demand): void {
    this.pool.take(demand)
    demand.names.forEach((n, i) => this.held.set(n, (this.held.get(n) ?? 0) + demand.amounts[i]!))
  }
}
