// `rayts bench granularity`: Ray's task-granularity lesson. `trials` calls of make_array(n)
// in a loop in this process ("local"), and as `trials` rayts tasks on a warm worker pool
// whose results come back to this process ("remote": recorded in a run store, big arrays
// through the object store, as `rayts run` does), for each n. Then the fan-in case: the
// arrays feed one consumer task, timed as `rayts run` processes (granularity-fan-in.ts).
import {availableParallelism, cpus} from 'node:os'
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'
import {openStore} from '../store/db.js'
import {benchDir} from './graphs.js'
import {benchFanIn, FAN_IN_MEASURES, type FanInRow} from './granularity-fan-in.js'
import {measureThroughStore} from './granularity-store.js'
import {type Crossing, type SizeTiming, findCrossing} from './granularity-crossing.js'
import {warmExecutor} from './granularity-pool.js'
import {judgeNoise, type Noise, otherCores, sampleCpu} from './granularity-noise.js'
import {MAKE_ARRAY_MODULE, MODULE_FILE, type MakeArray, granularityGraph, lessonSizes} from './granularity-work.js'

export interface GranularityOptions {
  readonly trials: number
  readonly sizes: readonly number[]
  readonly numCpus: number
  /** sizes of the fan-in case (empty: skip it) */
  readonly fanInSizes: readonly number[]
  /** `rayts run`s of each fan-in size (and of the 1-task run beside it) */
  readonly fanInRuns: number
}

export interface GranularityRow extends SizeTiming {
  /** local / remote: above 1, the tasks win */
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
  /** the first warm-up run on a fresh pool: worker start-up and module load included */
  readonly warmup: {readonly coldSeconds: number; readonly workers: number}
  readonly rows: readonly GranularityRow[]
  readonly crossing: Crossing
  /** whether the times were too noisy to trust the crossing */
  readonly noise: Noise
  /** the arrays feed one consumer task */
  readonly fanIn: {readonly measures: string; readonly trials: number; readonly runs: number; readonly rows: readonly FanInRow[]}
}

export const REMOTE_MEASURES =
  'wall time from start() to the end of the run on a warm pool (workers started and module loaded by a warm-up run), as `rayts run` records it: scheduling, each call run by a worker that writes its Float64Array to the object store (/dev/shm), the run store recording references, this process reading every array (ray.get), and the kept arrays moved to disk at the end; graph compile excluded'

export const defaultGranularityOptions: GranularityOptions = {
  trials: 100,
  sizes: lessonSizes(),
  numCpus: availableParallelism(),
  fanInSizes: [3000, 10_000, 80_000],
  fanInRuns: 3,
}

export function machine(): Machine {
  return {cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform, arch: process.arch}
}

export async function benchGranularity(o: GranularityOptions, progress: (line: string) => void = () => {}): Promise<GranularityReport> {
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new Error(`--trials must be a positive integer, not ${o.trials}`)
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b)
  const dir = benchDir()
  const pool = warmExecutor()
  const store = openStore(join(dir.dir, 'home'))
  try {
    const modulePath = dir.write(MODULE_FILE, MAKE_ARRAY_MODULE)
    const mod = (await import(pathToFileURL(modulePath).href)) as {make_array: MakeArray}
    const makeArray = mod.make_array
    for (let i = 0; i < 200; i++) makeArray(1000) // JIT-warm the local side too

    progress(`warming the pool: ${o.numCpus} CPU slots`)
    const warmFile = dir.write('warmup.yaml', granularityGraph(Math.max(o.trials, 4 * o.numCpus), sizes[0]!))
    const cold = await measureThroughStore(warmFile, store, o.numCpus, pool.deps)
    await measureThroughStore(warmFile, store, o.numCpus, pool.deps)

    const rows: GranularityRow[] = []
    const cpuBefore = sampleCpu()
    for (const n of sizes) {
      progress(`n = ${n}: ${o.trials} calls local, ${o.trials} tasks remote`)
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
    const others = otherCores(cpuBefore, sampleCpu(), machine().cores)
    await pool.close()
    const fanInRows = o.fanInSizes.length > 0 && o.fanInRuns > 0 ? await benchFanIn(dir, o.fanInSizes, o.trials, o.fanInRuns, progress) : []
    return {
      machine: machine(),
      numCpus: o.numCpus,
      trials: o.trials,
      remoteMeasures: REMOTE_MEASURES,
      warmup: {coldSeconds: cold.wallMs / 1000, workers: pool.workersStarted()},
      rows,
      crossing: findCrossing(rows, o.numCpus),
      noise: judgeNoise(rows, others, machine().cores),
      fanIn: {measures: FAN_IN_MEASURES, trials: o.trials, runs: o.fanInRuns, rows: fanInRows},
    }
  } finally {
    await pool.close()
    store.close()
    dir.remove()
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
