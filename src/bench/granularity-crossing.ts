// Where the remote line crosses below the local one, told in the lesson's words.

export interface SizeTiming {
  readonly n: number
  /** seconds for `trials` calls in a loop in this process */
  readonly localSeconds: number
  /** seconds for a run of `trials` tasks on the warm pool (start() to done) */
  readonly remoteSeconds: number
}

export interface Crossing {
  /** the smallest n from which remote is faster at every larger size measured; null if none */
  readonly n: number | null
  readonly localSeconds: number | null
  readonly remoteSeconds: number | null
  /** sizes below the crossing where remote was faster too, but not from there on */
  readonly earlierWins: readonly number[]
  /** the lesson's sentence */
  readonly message: string
}

export function fmtSeconds(s: number): string {
  return s >= 0.01 ? s.toFixed(3) : s.toPrecision(2)
}

export function findCrossing(timings: readonly SizeTiming[], numCpus: number): Crossing {
  const rows = [...timings].sort((a, b) => a.n - b.n)
  let from = rows.length
  while (from > 0 && rows[from - 1]!.remoteSeconds < rows[from - 1]!.localSeconds) from--
  const earlierWins = rows.slice(0, from).filter((r) => r.remoteSeconds < r.localSeconds).map((r) => r.n)
  const at = rows[from]
  if (!at) {
    return {n: null, localSeconds: null, remoteSeconds: null, earlierWins, message: neverMessage(rows, numCpus, earlierWins)}
  }
  const also = earlierWins.length > 0 ? ` (remote was also faster at n = ${earlierWins.join(', ')}, but not at every size after)` : ''
  const lead = from === 0 ? `The rayts times are faster at every size measured, starting at n = ${at.n}` : `The rayts times are faster starting at n = ${at.n}`
  return {
    n: at.n,
    localSeconds: at.localSeconds,
    remoteSeconds: at.remoteSeconds,
    earlierWins,
    message: `${lead}, local = ${fmtSeconds(at.localSeconds)} vs. remote = ${fmtSeconds(at.remoteSeconds)}${also}`,
  }
}

function neverMessage(rows: readonly SizeTiming[], numCpus: number, earlierWins: readonly number[]): string {
  const last = rows[rows.length - 1]
  if (!last) return 'No sizes were measured.'
  const head = `The rayts times are never faster for n up to ${last.n} (at n = ${last.n}: local = ${fmtSeconds(last.localSeconds)} vs. remote = ${fmtSeconds(last.remoteSeconds)})`
  const also = earlierWins.length > 0 ? `; remote won at n = ${earlierWins.join(', ')} only, within noise` : ''
  if (numCpus <= 1) return `${head}${also}: with one CPU slot the tasks run one at a time, so running them remotely can only add overhead.`
  const extra = last.remoteSeconds - last.localSeconds / numCpus
  const why =
    extra > 0
      ? `the remote run takes ${fmtSeconds(extra)} s longer than the local time split over ${numCpus} workers: per-task overhead (scheduling, IPC, sending each result back) still outweighs the work; try larger n`
      : 'the tasks are too small for the parallelism to pay for the overhead'
  return `${head}${also}: ${why}.`
}
