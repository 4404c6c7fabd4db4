// Whether a granularity run was too noisy to draw its conclusion from: a local time that
// falls as n grows (make_array(n) does n times the work, so it cannot be faster for a
// larger n but by chance), or other processes busy on the machine while it measured (read
// from /proc/stat, less what this process and its workers used). With few trials, both
// moved the crossing from one run to the next.
import {readdirSync, readFileSync} from 'node:fs'
import {fmtSeconds, type SizeTiming} from './granularity-crossing.js'

/** a size whose local time was below the size before it */
export interface LocalFall {
  readonly n: number
  readonly localSeconds: number
  readonly prevN: number
  readonly prevLocalSeconds: number
}

export interface Noise {
  readonly localFalls: readonly LocalFall[]
  /** cores other processes kept busy on average while the sizes were measured; null: unknown (no /proc) */
  readonly otherCores: number | null
  /** what to tell the user; empty when the run looks quiet */
  readonly warnings: readonly string[]
}

/** above this many cores busy with other processes on average, the times are called noisy */
const BUSY_CORES = 0.5

/** jiffies (clock ticks) of the machine and of this process tree, at one moment */
export interface CpuSample {
  readonly busy: number
  readonly total: number
  /** this process, its reaped children, and its live children (the pool's workers) */
  readonly own: number
}

export function localFalls(rows: readonly SizeTiming[]): LocalFall[] {
  const sorted = [...rows].sort((a, b) => a.n - b.n)
  const out: LocalFall[] = []
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const row = sorted[i]!
    if (row.n > prev.n && row.localSeconds < prev.localSeconds) out.push({n: row.n, localSeconds: row.localSeconds, prevN: prev.n, prevLocalSeconds: prev.localSeconds})
  }
  return out
}

/** null where /proc cannot be read (not Linux) */
export function sampleCpu(): CpuSample | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal (guest time is within user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu
    const busy = user + nice + system + irq + softirq + steal
    let own = ticks(process.pid, true)
    for (const entry of readdirSync('/proc')) if (/^\d+$/.test(entry) && Number(entry) !== process.pid) own += ticks(Number(entry), false)
    return {busy, total: busy + idle + iowait, own}
  } catch {
    return null
  }
}

/** the average cores used by other processes between two samples */
export function otherCores(a: CpuSample | null, b: CpuSample | null, cores: number): number | null {
  if (!a || !b || b.total <= a.total) return null
  return Math.max(0, ((b.busy - a.busy - (b.own - a.own)) / (b.total - a.total)) * cores)
}

export function judgeNoise(rows: readonly SizeTiming[], others: number | null, cores: number): Noise {
  const falls = localFalls(rows)
  const warnings: string[] = []
  if (falls.length > 0) {
    const shown = falls.slice(0, 3).map((f) => `${fmtSeconds(f.prevLocalSeconds)} s at n = ${f.prevN} to ${fmtSeconds(f.localSeconds)} s at n = ${f.n}`)
    warnings.push(`the local time fell as n grew (${shown.join('; ')}${falls.length > 3 ? `; ${falls.length - 3} more` : ''}): the times are within noise`)
  }
  if (others !== null && others > BUSY_CORES) {
    warnings.push(`other processes kept ${others.toFixed(1)} of ${cores} cores busy while it measured`)
  }
  if (warnings.length > 0) warnings.push('the crossing may be noise: run again with more --trials on a quiet machine')
  return {localFalls: falls, otherCores: others, warnings}
}

function fields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // the name (field 2) may hold spaces and parentheses: the fields after it start after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null // gone meanwhile
  }
}

/** utime + stime + cutime + cstime (its reaped children) of `pid`; of a live child of this process only, unless `self` */
function ticks(pid: number, self: boolean): number {
  const f = fields(pid)
  // after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  if (!f || (!self && Number(f[1]) !== process.pid)) return 0
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
}
