// Signal a whole process group. A command runs detached, so its pid is its group id. Used by
// the executor (its own groups) and the store (a lost run's recorded groups).
import {readdirSync, readFileSync} from 'node:fs'

/**
 * Send `signal` to every process of group `pgid`; false when there is no such group, or it
 * is not ours to signal (EPERM: a recorded group id now used by another user). Group ids 0
 * and 1 are refused: kill(-0) is our own group, kill(-1) every process we may signal.
 */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!(pgid > 1)) return false
  try {
    process.kill(-pgid, signal)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ESRCH' || code === 'EPERM') return false
    throw error
  }
}

const hasProc = ((): boolean => {
  try {
    readdirSync('/proc/self')
    return true
  } catch {
    return false
  }
})()

/**
 * True while a live process of the group exists. Zombies do not count: where PID 1 does
 * not reap orphans (some containers), killed grandchildren stay in their group as zombies
 * and kill(-pgid, 0) succeeds forever. Reads /proc where there is one.
 */
export function groupAlive(pgid: number): boolean {
  if (!killGroup(pgid, 0)) return false
  if (!hasProc) return true
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0)
    if (c < 48 || c > 57) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
    } catch {
      continue
    }
    // pid (comm) state ppid pgrp ...: comm may hold anything, so parse after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 4)
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true
  }
  return false
}
