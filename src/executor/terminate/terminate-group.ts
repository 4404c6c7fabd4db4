// Stop a process group the polite way: SIGTERM now, SIGKILL after a grace period.
import {startTimer, type Timer} from '../../runtime/timer.js'
import {killGroup} from './kill-group.js'

export const GRACE_MS = 2000

export interface Termination {
  /** SIGKILL now instead of at the end of the grace */
  now(): void
  /** forget the pending SIGKILL (the group is known to be gone) */
  clear(): void
  /** when the SIGKILL is (or was) due, ms since the epoch of Date.now() */
  readonly killAt: number
}

export function terminateGroup(pgid: number, graceMs = GRACE_MS, onKilled?: () => void): Termination {
  killGroup(pgid, 'SIGTERM')
  let timer: Timer | undefined = startTimer(kill, graceMs)
  function kill(): void {
    timer = undefined
    killGroup(pgid, 'SIGKILL')
    onKilled?.()
  }
  return {
    killAt: Date.now() + graceMs,
    now() {
      timer?.clear()
      kill()
    },
    clear() {
      timer?.clear()
      timer = undefined
    },
  }
}
