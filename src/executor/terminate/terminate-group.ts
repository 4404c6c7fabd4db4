// Stop a process group the polite way: SIGTERM now, SIGKILL after a grace period.
import {startTimer, type Timer} from '../../core/timer.js'
import {killGroup} from '../../core/kill-group.js'

export const GRACE_MS = 2000

export interface Termination {
  /** forget the pending SIGKILL (the group is known to be gone) */
  clear(): void
  /** when the SIGKILL is (or was) due, ms since the epoch of Date.now() */
  readonly killAt: number
}

export function terminateGroup(pgid: number, graceMs = GRACE_MS): Termination {
  killGroup(pgid, 'SIGTERM')
  let timer: Timer | undefined = startTimer(() => {
    timer = undefined
    killGroup(pgid, 'SIGKILL')
  }, graceMs)
  return {
    killAt: Date.now() + graceMs,
    clear() {
      timer?.clear()
      timer = undefined
    },
  }
}
