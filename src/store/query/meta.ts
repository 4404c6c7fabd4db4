// What a run needs to be run again (`rayts run --resume`), stored with the run.
export interface RunMeta {
  /** absolute path of the graph file */
  readonly graphFile: string
  /** `--set PATH=VALUE` values, in the order given */
  readonly set: readonly string[]
  readonly numCpus: number | null
  readonly resources: Readonly<Record<string, number>>
  readonly failFast: boolean
  /** the run process (default: the recording process) */
  readonly pid?: number
  readonly runId?: string
  /** its tasks ran on a cluster's workers (`--cluster`) */
  readonly cluster?: boolean
  /** run with --no-cache (for `rayts why`) */
  readonly noCache?: boolean
}

export function parseMeta(json: string | null): RunMeta | null {
  if (!json) return null
  const m = JSON.parse(json) as Partial<RunMeta>
  return {
    graphFile: m.graphFile ?? '',
    set: m.set ?? [],
    numCpus: m.numCpus ?? null,
    resources: m.resources ?? {},
    failFast: m.failFast ?? false,
    ...(m.pid === undefined ? {} : {pid: m.pid}),
    ...(m.runId === undefined ? {} : {runId: m.runId}),
    ...(m.cluster ? {cluster: true} : {}),
    ...(m.noCache ? {noCache: true} : {}),
  }
}
