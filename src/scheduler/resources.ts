// Slot accounting. Amounts are kept as integers in millionths so that fractional
// requests (num_cpus: 0.25 eight times) add up exactly.
import type {TaskOptions} from '../graph/model.js'

const SCALE = 1_000_000

export type Capacity = Readonly<Record<string, number>>

/** What one running task (or one batch, which runs its jobs one at a time) holds. */
export interface Demand {
  /** a stable key: tasks with the same demand share a ready queue */
  readonly key: string
  readonly names: readonly string[]
  /** scaled; as many as `names` (the loops below index both with one bound, hence their `!`) */
  readonly amounts: readonly number[]
}

/** demands of tasks that name no resources, by num_cpus: one record shared by all of them
 * (a generated graph of 100,000 distinct tasks made 100,000 equal ones) */
const cpuOnly = new Map<number, Demand>()

/** an object without keys (a task's `resources` that names none), without making an array */
export function noKeys(o: object): boolean {
  for (const _ in o) return false
  return true
}

export function demandOf(options: TaskOptions): Demand {
  for (const _ in options.resources) return makeDemand(options)
  let d = cpuOnly.get(options.numCpus)
  if (!d) cpuOnly.set(options.numCpus, (d = makeDemand(options)))
  return d
}

function makeDemand(options: TaskOptions): Demand {
  const entries: [string, number][] = [['cpu', options.numCpus]]
  for (const [name, amount] of Object.entries(options.resources)) {
    if (name === 'cpu' || name === 'CPU') entries[0] = ['cpu', amount + options.numCpus]
    else if (amount > 0) entries.push([name, amount])
  }
  entries.sort((a, b) => (a[0] === 'cpu' ? -1 : b[0] === 'cpu' ? 1 : a[0].localeCompare(b[0])))
  return {
    key: entries.map(([n, a]) => `${n}=${a}`).join(','),
    names: entries.map(([n]) => n),
    amounts: entries.map(([, a]) => Math.round(a * SCALE)),
  }
}

export class ResourcePool {
  private readonly free = new Map<string, number>()
  private readonly total = new Map<string, number>()

  constructor(capacity: Capacity) {
    for (const [name, amount] of Object.entries(capacity)) {
      const scaled = Math.round(amount * SCALE)
      this.free.set(name, scaled)
      this.total.set(name, scaled)
    }
  }

  /** why a demand can never be met, or null */
  neverFits(demand: Demand): string | null {
    for (let i = 0; i < demand.names.length; i++) {
      const resource = demand.names[i]!
      const amount = demand.amounts[i]!
      const have = this.total.get(resource) ?? 0
      if (amount > have) {
        const name = resource === 'cpu' ? 'num_cpus' : `resource "${resource}"`
        return `needs ${name} ${amount / SCALE} but the capacity is ${have / SCALE}`
      }
    }
    return null
  }

  fits(demand: Demand): boolean {
    for (let i = 0; i < demand.names.length; i++) {
      if (demand.amounts[i]! > (this.free.get(demand.names[i]!) ?? 0)) return false
    }
    return true
  }

  /** how many more of this demand fit now */
  room(demand: Demand): number {
    let n = Infinity
    for (let i = 0; i < demand.names.length; i++) {
      const a = demand.amounts[i]!
      if (a > 0) n = Math.min(n, Math.floor((this.free.get(demand.names[i]!) ?? 0) / a))
    }
    return n
  }

  take(demand: Demand): void {
    for (let i = 0; i < demand.names.length; i++) {
      const name = demand.names[i]!
      this.free.set(name, (this.free.get(name) ?? 0) - demand.amounts[i]!)
    }
  }

  give(demand: Demand): void {
    for (let i = 0; i < demand.names.length; i++) {
      const name = demand.names[i]!
      this.free.set(name, (this.free.get(name) ?? 0) + demand.amounts[i]!)
    }
  }
}
