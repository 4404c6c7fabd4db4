// Waiting in tests for something another process does: polled every POLL_MS, bounded.
const POLL_MS = 20

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` holds; throws `timed out waiting for WHAT` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  if (!(await eventually(check, ms))) throw new Error(`timed out waiting for ${what}`)
}

/**
 * Waits until `check` holds, up to `ms` (a killed process takes a moment to die, longer on a
 * loaded machine); returns whether it held.
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) return false
    await sleep(POLL_MS)
  }
  return true
}
