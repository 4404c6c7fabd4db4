// Is a process still the one we recorded? pid plus its start time (Linux /proc), so a
// reused pid after a reboot is not mistaken for the run.
import {readFileSync} from 'node:fs'

function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the fields after the parenthesised command name: state is field 3 overall, starttime 22
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

export function processStartTime(pid: number): string | null {
  return procStat(pid)?.[19] ?? null
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Alive, and (when we know its start time) the same process we recorded. */
export function sameProcessAlive(pid: number, startTime: string | null): boolean {
  if (!pidAlive(pid)) return false
  const stat = procStat(pid)
  if (stat === null) return true // no /proc: trust kill(pid, 0)
  if (stat[0] === 'Z' || stat[0] === 'X') return false // dead, not yet reaped
  return startTime === null || stat[19] === startTime
}

