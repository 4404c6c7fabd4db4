// Putting intervals on lanes (threads) so that no two on one lane overlap.

export interface Interval {
  readonly start: number
  readonly end: number
}

/**
 * Lowest-free-slot assignment (interval colouring): the slot (0-based) of each interval,
 * in input order. A slot is free again at the moment its interval ends. Uses as few
 * slots as the peak number of overlapping intervals.
 */
export function assignSlots(intervals: readonly Interval[]): number[] {
  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a]!.start - intervals[b]!.start || a - b)
  const freeAt: number[] = []
  const slots = new Array<number>(intervals.length)
  for (const i of order) {
    const iv = intervals[i]!
    let slot = freeAt.findIndex((end) => end <= iv.start)
    if (slot === -1) slot = freeAt.push(0) - 1
    freeAt[slot] = Math.max(iv.end, iv.start)
    slots[i] = slot
  }
  return slots
}

export interface Clamped extends Interval {
  /** how much the start was moved later so as not to overlap the previous interval */
  readonly clampedBy: number
}

/**
 * Intervals of one lane, made not to overlap: each starts no earlier than the previous
 * one (in start order) ends. Clock noise between processes can make two attempts of one
 * worker overlap by a few µs. Returned in input order.
 */
export function clampLane(intervals: readonly Interval[]): Clamped[] {
  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a]!.start - intervals[b]!.start || a - b)
  const out = new Array<Clamped>(intervals.length)
  let prevEnd = -Infinity
  for (const i of order) {
    const iv = intervals[i]!
    const start = Math.max(iv.start, prevEnd)
    const end = Math.max(iv.end, start)
    out[i] = {start, end, clampedBy: start - iv.start}
    prevEnd = end
  }
  return out
}
