// `rayts bench granularity`: Ray's task-granularity lesson. `trials` calls of make_array(n)
// in a loop in this process ("local"), and for each n:
// - the lesson's form (the headline): one warm library session, `trials` `.remote()` calls
//   then one `ray.get` of them all (granularity-session.ts);
// - the per-run form: a graph of `trials` tasks run through a run store on a warm pool, every
//   array read back as it arrives (granularity-store.ts);
// - the fan-in case: arrays feed one consumer task, timed as `rayts run` processes
//   (granularity-fan-in.ts).
import {availableParallelism, cpus} from 'node:os'
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'
import {openStore} from '../store/db.js'
import {benchDir} from './graphs.js'
import {benchFanIn, DEFAULT_FAN_IN, FAN_IN_MEASURES, type FanInRow, type FanInShape} from './granularity-fan-in.js'
import {openLessonSession} from './granularity-session.js'
import {measureThroughStore} from './granularity-store.js'
import {type Crossing, type SizeTiming, findCrossing} from './granularity-crossing.js'
import {warmExecutor} from './granularity-pool.js'
import {judgeNoise, type Noise, otherCores, sampleCpu} from './granularity-noise.js'
import {MAKE_ARRAY_MODULE, MODULE_FILE, type MakeArray, granularityGraph, lessonSizes} from './granularity-work.js'

export interface GranularityOptions {
  readonly trials: number
  readonly sizes: readonly number[]
  readonly numCpus: number
  /** shapes of the fan-in case, each with its own number of calls (empty: skip it) */
  readonly fanIn: readonly FanInShape[]
  /** `rayts run`s of each fan-in size (and of the 1-task run beside it) */
  readonly fanInRuns: number
}

/** the lesson's form: one warm session, `trials` `.remote()` calls then one `ray.get` */
export interface GranularityRow extends SizeTiming {
  /** local / remote: above 1, the tasks win */
  readonly ratio: number
  /** CPU time of this process (the driver) from the first `.remote()` to `get`'s return, per task */
  readonly parentCpuMicrosPerTask: number
}

/** the per-run form: a graph run through a run store on a warm pool */
export interface RunFormRow extends SizeTiming {
  readonly ratio: number
  /** compile of the generated graph (not in remoteSeconds) */
  readonly compileMs: number
  /** CPU time of this (the scheduling) process during the remote run, per task */
  readonly parentCpuMicrosPerTask: number
  /** of remoteSeconds: moving the kept arrays from tmpfs to disk at the end of the run */
  readonly settleSeconds: number
  /** bytes of results the runner received and recorded, per task (a reference, for a big array) */
  readonly runnerBytesPerTask: number
}

export interface Machine {
  readonly cores: number
  readonly cpuModel: string
  readonly node: string
  readonly platform: string
  readonly arch: string
}

export interface GranularityReport {
  readonly machine: Machine
  readonly numCpus: number
  readonly trials: number
  /** what the remote time includes */
  readonly remoteMeasures: string
  /** the lesson's form, the headline */
  readonly rows: readonly GranularityRow[]
  readonly crossing: Crossing
  /** whether the times were too noisy to trust the crossing */
  readonly noise: Noise
  /** the lesson session's end (its objects settled, its run recorded), outside every timing */
  readonly session: {readonly closeSeconds: number; readonly maxRssBytes: number}
  /** the per-run form */
  readonly runs: {
    readonly measures: string
    /** the first warm-up run on a fresh pool: worker start-up and module load included */
    readonly warmup: {readonly coldSeconds: number; readonly workers: number}
    readonly rows: readonly RunFormRow[]
    readonly crossing: Crossing
  }
  /** the arrays feed one consumer task */
  readonly fanIn: {readonly measures: string; readonly runs: number; readonly rows: readonly FanInRow[]}
}

const REMOTE_MEASURES =
  'the lesson\'s form: one warm library session (ray.init once, workers started and the module loaded by warm-up rounds); per n, wall time from the first of `trials` `.remote()` calls to the return of one `ray.get` of them all: scheduling, each call run by a worker that stores its Float64Array in the object store (/dev/shm), the run store recording references, and this process reading every array; the session\'s end (settling its objects) is after every size, outside the timing'

const RUN_FORM_MEASURES =
  'wall time from start() to the end of the run on a warm pool (workers started and module loaded by a warm-up run), as `rayts run` records it: scheduling, each call run by a worker that writes its Float64Array to the object store (/dev/shm), the run store recording references, this process reading every array (ray.get), and the kept arrays moved to disk at the end; graph compile excluded'

export const defaultGranularityOptions: GranularityOptions = {
  trials: 100,
  sizes: lessonSizes(),
  numCpus: availableParallelism(),
  fanIn: DEFAULT_FAN_IN,
  fanInRuns: 3,
}

export function machine(): Machine {
  return {cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform, arch: process.arch}
}

export async function benchGranularity(o: GranularityOptions, progress: (line: string) => void = () => {}): Promise<GranularityReport> {
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new Error(`--trials must be a positive integer, not ${o.trials}`)
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b)
  const dir = benchDir()
  try {
    const modulePath = dir.write(MODULE_FILE, MAKE_ARRAY_MODULE)
    const mod = (await import(pathToFileURL(modulePath).href)) as {make_array: MakeArray}
    const makeArray = mod.make_array
    for (let i = 0; i < 200; i++) makeArray(1000) // JIT-warm the local side too

    progress(`the lesson's form: one session of ${o.numCpus} CPU slots, warmed up`)
    const session = await openLessonSession(join(dir.dir, 'session-home'), modulePath, o.numCpus, o.trials)
    const rows: GranularityRow[] = []
    let closeSeconds: number
    const cpuBefore = sampleCpu()
    let others: number | null
    try {
      for (const n of sizes) {
        progress(`n = ${n}: ${o.trials} calls local, ${o.trials} .remote() calls and one get`)
        const localSeconds = timeLocal(makeArray, n, o.trials)
        const remote = await session.measure(n)
        rows.push({n, localSeconds, remoteSeconds: remote.seconds, ratio: localSeconds / remote.seconds, parentCpuMicrosPerTask: remote.parentCpuMicrosPerTask})
      }
      others = otherCores(cpuBefore, sampleCpu(), machine().cores)
    } finally {
      closeSeconds = await session.close()
    }
    const maxRssBytes = process.resourceUsage().maxRSS * 1024

    const runs = await benchRunForm(dir, makeArray, sizes, o, progress)
    const fanInRows = o.fanIn.length > 0 && o.fanInRuns > 0 ? await benchFanIn(dir, o.fanIn, o.fanInRuns, progress) : []
    return {
      machine: machine(),
      numCpus: o.numCpus,
      trials: o.trials,
      remoteMeasures: REMOTE_MEASURES,
      rows,
      crossing: findCrossing(rows, o.numCpus),
      noise: judgeNoise(rows, others, machine().cores),
      session: {closeSeconds, maxRssBytes},
      runs,
      fanIn: {measures: FAN_IN_MEASURES, runs: o.fanInRuns, rows: fanInRows},
    }
  } finally {
    dir.remove()
  }
}

/** the per-run form: each size a graph run through a run store on one warm pool */
async function benchRunForm(dir: ReturnType<typeof benchDir>, makeArray: MakeArray, sizes: readonly number[], o: GranularityOptions, progress: (line: string) => void): Promise<GranularityReport['runs']> {
  const pool = warmExecutor()
  const store = openStore(join(dir.dir, 'home'))
  try {
    progress(`the per-run form: warming a pool of ${o.numCpus} CPU slots`)
    const warmFile = dir.write('warmup.yaml', granularityGraph(Math.max(o.trials, 4 * o.numCpus), sizes[0]!))
    const cold = await measureThroughStore(warmFile, store, o.numCpus, pool.deps)
    await measureThroughStore(warmFile, store, o.numCpus, pool.deps)
    const rows: RunFormRow[] = []
    for (const n of sizes) {
      progress(`n = ${n}: ${o.trials} calls local, a run of ${o.trials} tasks`)
      const localSeconds = timeLocal(makeArray, n, o.trials)
      const file = dir.write(`granularity-${n}.yaml`, granularityGraph(o.trials, n))
      const remote = await measureThroughStore(file, store, o.numCpus, pool.deps)
      const received = remote.values.filter((v) => v instanceof Float64Array && v.length === n).length
      if (received !== o.trials) throw new Error(`n = ${n}: ${received} of ${o.trials} arrays came back`)
      const remoteSeconds = remote.wallMs / 1000
      rows.push({
        n,
        localSeconds,
        remoteSeconds,
        ratio: localSeconds / remoteSeconds,
        compileMs: remote.compileMs,
        parentCpuMicrosPerTask: remote.parentCpuMicrosPerTask,
        settleSeconds: remote.settleMs / 1000,
        runnerBytesPerTask: remote.recordedBytesPerTask,
      })
    }
    return {measures: RUN_FORM_MEASURES, warmup: {coldSeconds: cold.wallMs / 1000, workers: pool.workersStarted()}, rows, crossing: findCrossing(rows, o.numCpus)}
  } finally {
    await pool.close()
    store.close()
  }
}

/** the lesson's `[make_array(n) for _ in range(trials)]`: the arrays are kept, as Ray's are */
function timeLocal(makeArray: MakeArray, n: number, trials: number): number {
  const kept: Float64Array[] = []
  const t0 = performance.now()
  for (let i = 0; i < trials; i++) kept.push(makeArray(n))
  const seconds = (performance.now() - t0) / 1000
  if (kept.length !== trials) throw new Error('unreachable')
  return seconds
}
