// bench granularity's second case: `trials` make_array(n) tasks feed one consumer task, so
// the arrays move between workers. Timed as users run it: `rayts run` as a process (its
// store, its object store, its output) less a 1-task `rayts run`, against the same calls
// in one process.
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {timeRaytsOk, timeRaytsRun} from './cli-run.js'
import {MAKE_ARRAY_MODULE, type MakeArray} from './granularity-work.js'
import type {BenchDir} from './graphs.js'
import {recordedBytes} from './granularity-store.js'
import {median} from './stats.js'
import {openStore} from '../store/db.js'
import {resolveRunId} from '../store/query/runs.js'

const FAN_IN_MODULE = `${MAKE_ARRAY_MODULE}
/** the consumer: the sum of every element of every array */
export function total(arrays) {
  let s = 0
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i]
  return s
}
`
const FAN_IN_FILE = 'fan_in.mjs'

/** one fan-in case: `trials` arrays of n doubles feed one task */
export interface FanInShape {
  readonly n: number
  readonly trials: number
}

/** the two shapes the lesson issue sets targets for: many small arrays, and fewer big ones */
export const DEFAULT_FAN_IN: readonly FanInShape[] = [
  {n: 3000, trials: 2000},
  {n: 80_000, trials: 200},
]

export interface FanInRow extends FanInShape {
  readonly localSeconds: number
  /** median of `runs` of `rayts run` wall less the median 1-task `rayts run` wall */
  readonly remoteSeconds: number
  readonly ratio: number
  readonly oneTaskRunSeconds: number
  /** bytes of results the runner received and recorded, per task */
  readonly runnerBytesPerTask: number
  /** peak RSS of the `rayts run` process (the median run's), bytes */
  readonly runnerMaxRssBytes: number
}

export const FAN_IN_MEASURES = '`rayts run` of the graph as a process (store, object store, output printed) less a 1-task `rayts run`, medians; local = the same calls and the sum in this process'

function fanInGraph(trials: number, n: number): string {
  return [
    'version: 1',
    `name: fan-in-${n}`,
    `module: ./${FAN_IN_FILE}`,
    'defaults: {num_cpus: 1, max_retries: 0}',
    'tasks:',
    `  make_array: {fn: make_array, foreach: {range: ${trials}}, args: [${n}]}`,
    '  total: {fn: total, args: [!ref make_array]}',
    'outputs: [total]',
    '',
  ].join('\n')
}

const ONE_TASK = ['version: 1', 'name: one-task', `module: ./${FAN_IN_FILE}`, 'tasks:', '  one: {fn: make_array, args: [1]}', ''].join('\n')

export async function benchFanIn(dir: BenchDir, shapes: readonly FanInShape[], runs: number, progress: (line: string) => void): Promise<FanInRow[]> {
  const home = join(dir.dir, 'fan-in-home')
  const modulePath = dir.write(FAN_IN_FILE, FAN_IN_MODULE)
  const mod = (await import(pathToFileURL(modulePath).href)) as {make_array: MakeArray; total: (a: Float64Array[]) => number}
  const oneTask = dir.write('fan-in-one.yaml', ONE_TASK)
  const rows: FanInRow[] = []
  const rssFile = join(dir.dir, 'fan-in-rss')
  for (const {n, trials} of shapes) {
    progress(`fan-in, n = ${n}: rayts run of ${trials} tasks feeding one, ${runs} times, beside a 1-task run`)
    const graph = dir.write(`fan-in-${n}x${trials}.yaml`, fanInGraph(trials, n))
    const one: number[] = []
    const full: number[] = []
    const rss: number[] = []
    const local: number[] = []
    for (let i = 0; i < runs; i++) {
      one.push(await timeRaytsOk(['run', oneTask], home))
      const run = await timeRaytsRun(['run', graph], home, rssFile)
      full.push(run.wallMs)
      rss.push(run.maxRssBytes ?? Number.NaN)
      local.push(timeLocal(mod.make_array, mod.total, n, trials))
    }
    const store = openStore(home)
    let bytes: number
    try {
      bytes = recordedBytes(store, resolveRunId(store, 'last')) / (trials + 1)
    } finally {
      store.close()
    }
    const oneS = median(one) / 1000
    const remoteSeconds = Math.max(median(full) / 1000 - oneS, 1e-6)
    const localSeconds = median(local)
    rows.push({n, trials, localSeconds, remoteSeconds, ratio: localSeconds / remoteSeconds, oneTaskRunSeconds: oneS, runnerBytesPerTask: bytes, runnerMaxRssBytes: median(rss)})
  }
  return rows
}

function timeLocal(makeArray: MakeArray, total: (a: Float64Array[]) => number, n: number, trials: number): number {
  const t0 = performance.now()
  const arrays: Float64Array[] = []
  for (let i = 0; i < trials; i++) arrays.push(makeArray(n))
  const s = total(arrays)
  const seconds = (performance.now() - t0) / 1000
  if (Number.isNaN(s)) throw new Error('unreachable')
  return seconds
}
