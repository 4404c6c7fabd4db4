// The one timer of the scheduler and the executor: task timeouts, retry delays, grace
// periods. Node's setTimeout takes at most 2^31-1 ms (about 24.8 days, 596 h): a longer
// delay fires after 1 ms, with a TimeoutOverflowWarning. So a long delay is a chain of
// timers, each at most `maxChunkMs`.

export const MAX_TIMER_MS = 2 ** 31 - 1

export interface Timer {
  /** cancel it; idempotent */
  clear(): void
  /** do not let it keep the process alive (this chunk and the next ones) */
  unref(): Timer
}

/**
 * Call `callback` once after `ms` milliseconds, however long that is. Infinity never fires;
 * NaN and negative delays fire at once (on the next turn), like setTimeout.
 */
export function startTimer(callback: () => void, ms: number, maxChunkMs = MAX_TIMER_MS): Timer {
  let remaining = ms > 0 ? ms : 0
  let handle: NodeJS.Timeout | undefined
  let referenced = true
  const arm = (): void => {
    const chunk = Math.min(remaining, maxChunkMs)
    remaining -= chunk
    handle = setTimeout(remaining > 0 ? arm : fire, chunk)
    if (!referenced) handle.unref()
  }
  const fire = (): void => {
    handle = undefined
    callback()
  }
  arm()
  const timer: Timer = {
    clear() {
      if (handle !== undefined) clearTimeout(handle)
      handle = undefined
    },
    unref() {
      referenced = false
      handle?.unref()
      return timer
    },
  }
  return timer
}
