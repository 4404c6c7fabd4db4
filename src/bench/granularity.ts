// `rayts bench granularity`: Ray's task-granularity lesson. `trials` calls of make_array(n)
// in a loop in this process ("local"), and as `trials` rayts tasks on a warm worker pool
// whose results come back to this process ("remote"), for each n.
import {availableParallelism, cpus} from 'node:os'
import {pathToFileURL} from 'node:url'
import {benchDir} from './graphs.js'
import {type Crossing, type SizeTiming, findCrossing} from './granularity-crossing.js'
import {warmExecutor} from './granularity-pool.js'
import {MAKE_ARRAY_MODULE, MODULE_FILE, type MakeArray, granularityGraph, lessonSizes} from './granularity-work.js'
import {measureRun} from './measure.js'

export interface GranularityOptions {
  readonly trials: number
  readonly sizes: readonly number[]
  readonly numCpus: number
}

export interface GranularityRow extends SizeTiming {
  /** local / remote: above 1, the tasks win */
  readonly ratio: number
  /** compile of the generated graph (not in remoteSeconds) */
  readonly compileMs: number
  /** CPU time of this (the scheduling) process during the remote run, per task */
  readonly parentCpuMicrosPerTask: number
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
}

export const REMOTE_MEASURES =
  'wall time from start() to the end of the run on a warm pool (workers started and module loaded by a warm-up run): scheduling, sending each call to a worker, running it, and sending each Float64Array back to this process; graph compile excluded'

export const defaultGranularityOptions: GranularityOptions = {
  trials: 100,
  sizes: lessonSizes(),
  numCpus: availableParallelism(),
}

export function machine(): Machine {
  return {cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform, arch: process.arch}
}

export async function benchGranularity(o: GranularityOptions, progress: (line: string) => void = () => {}): Promise<GranularityReport> {
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new Error(`--trials must be a positive integer, not ${o.trials}`)
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b)
  const dir = benchDir()
  const pool = warmExecutor()
  try {
    const modulePath = dir.write(MODULE_FILE, MAKE_ARRAY_MODULE)
    const mod = (await import(pathToFileURL(modulePath).href)) as {make_array: MakeArray}
    const makeArray = mod.make_array
    for (let i = 0; i < 200; i++) makeArray(1000) // JIT-warm the local side too

    progress(`warming the pool: ${o.numCpus} CPU slots`)
    const warmFile = dir.write('warmup.yaml', granularityGraph(Math.max(o.trials, 4 * o.numCpus), sizes[0]!))
    const cold = await measureRun(warmFile, {numCpus: o.numCpus, deps: pool.deps})
    await measureRun(warmFile, {numCpus: o.numCpus, deps: pool.deps})

    const rows: GranularityRow[] = []
    for (const n of sizes) {
      progress(`n = ${n}: ${o.trials} calls local, ${o.trials} tasks remote`)
      const localSeconds = timeLocal(makeArray, n, o.trials)
      const file = dir.write(`granularity-${n}.yaml`, granularityGraph(o.trials, n))
      let received = 0
      const remote = await measureRun(file, {
        numCpus: o.numCpus,
        deps: pool.deps,
        onEvent: (e) => {
          if (e.type === 'succeeded' && e.value instanceof Float64Array && e.value.length === n) received++
        },
      })
      if (received !== o.trials) throw new Error(`n = ${n}: ${received} of ${o.trials} arrays came back`)
      const remoteSeconds = remote.wallMs / 1000
      rows.push({
        n,
        localSeconds,
        remoteSeconds,
        ratio: localSeconds / remoteSeconds,
        compileMs: remote.compileMs,
        parentCpuMicrosPerTask: remote.parentCpuMicrosPerTask,
      })
    }
    return {
      machine: machine(),
      numCpus: o.numCpus,
      trials: o.trials,
      remoteMeasures: REMOTE_MEASURES,
      warmup: {coldSeconds: cold.wallMs / 1000, workers: pool.workersStarted()},
      rows,
      crossing: findCrossing(rows, o.numCpus),
    }
  } finally {
    await pool.close()
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
