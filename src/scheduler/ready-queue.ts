// Ready instances, one FIFO per demand shape so that a task that does not fit now does not
// hold back smaller ones behind it, while start order stays deterministic: the shape whose
// head became ready first goes first.
import type {Demand} from './resources.js'

/** The live items are items[head ..] (seqs likewise): an index past them is a bug, hence the
 * `!` below; callers check `length` first. */
class Fifo {
  private items: number[] = []
  private head = 0
  readonly seqs: number[] = []

  constructor(readonly demand: Demand) {}

  get length(): number {
    return this.items.length - this.head
  }

  push(inst: number, seq: number): void {
    this.items.push(inst)
    this.seqs.push(seq)
  }

  peek(offset = 0): number {
    return this.items[this.head + offset]!
  }

  headSeq(): number {
    return this.seqs[this.head]!
  }

  shift(): number {
    const v = this.items[this.head++]!
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.seqs.splice(0, this.head)
      this.head = 0
    }
    return v
  }

  /** drop everything (cancel) and return it */
  drain(): number[] {
    const rest = this.items.slice(this.head)
    this.items = []
    this.seqs.length = 0
    this.head = 0
    return rest
  }
}

export class ReadyQueue {
  private readonly byShape = new Map<string, Fifo>()
  private seq = 0

  push(inst: number, demand: Demand): void {
    let q = this.byShape.get(demand.key)
    if (!q) this.byShape.set(demand.key, (q = new Fifo(demand)))
    q.push(inst, this.seq++)
  }

  /** non-empty queues, the one whose head has waited longest first */
  queues(): Fifo[] {
    const qs = [...this.byShape.values()].filter((q) => q.length > 0)
    if (qs.length > 1) qs.sort((a, b) => a.headSeq() - b.headSeq())
    return qs
  }

  drain(): number[] {
    const all: number[] = []
    // a loop, not push(...): a spread of ~120k+ items overflows the call stack
    for (const q of this.byShape.values()) for (const inst of q.drain()) all.push(inst)
    return all.sort((a, b) => a - b)
  }
}
