// `rayts bench dag`: no-op graphs of three shapes and several sizes. Each is run twice: as
// users run it (`rayts run GRAPH --json` as a process, store on, spawn to exit), and compiled
// and run by the runtime alone in a fresh process: compile time, wall, CPU per task, peak RSS.
import {join} from 'node:path'
import {timeRaytsOk} from './cli-run.js'
import {availableParallelism} from 'node:os'
import {runDagChild} from './dag-spawn.js'
import {type DagShape, benchDir, dagGraph} from './graphs.js'
import {type Machine, machine} from './granularity.js'

const DAG_SHAPES: readonly DagShape[] = ['wide', 'deep', 'fan-in']

export interface DagOptions {
  readonly sizes: readonly number[]
  readonly shapes: readonly DagShape[]
  readonly numCpus: number
  readonly cpuProfDir?: string
}

export interface DagRow {
  readonly shape: DagShape
  /** tasks asked for (fan-in: leaves + inner nodes of the reduction) */
  readonly size: number
  /** instances in the compiled graph */
  readonly tasks: number
  readonly compileMs: number
  /** CPU time of the compile (user + system, the GC's threads included) */
  readonly compileCpuMs: number
  /** the user's path: \`rayts run GRAPH --json\` as a process with its store, spawn to exit */
  readonly userWallMs: number
  /** the runtime alone: start() to done, workers' start-up included, compile excluded */
  readonly wallMs: number
  /** CPU time (user + system) of the rayts process during the run, divided by tasks */
  readonly schedulerMicrosPerTask: number
  /** peak RSS of the rayts process (compile and run), workers not included */
  readonly peakRssMb: number
}

export interface DagReport {
  readonly machine: Machine
  readonly numCpus: number
  readonly rows: readonly DagRow[]
}

export const defaultDagOptions: DagOptions = {
  sizes: [1_000, 10_000, 100_000],
  shapes: DAG_SHAPES,
  numCpus: availableParallelism(),
}

/** `wide,deep` → shapes; throws on an unknown one */
export function parseShapes(text: string): DagShape[] {
  const shapes = text.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (shapes.length === 0) throw new Error('no shapes given')
  for (const s of shapes) if (!(DAG_SHAPES as readonly string[]).includes(s)) throw new Error(`unknown shape ${s} (shapes: ${DAG_SHAPES.join(', ')})`)
  return shapes as DagShape[]
}

/** fan-in of n: n/2 leaves reduced pairwise, so about n tasks in all */
export function graphFor(shape: DagShape, size: number): string {
  return shape === 'fan-in' ? dagGraph(shape, Math.max(1, Math.ceil(size / 2))) : dagGraph(shape, size)
}

export async function benchDag(o: DagOptions, progress: (line: string) => void = () => {}): Promise<DagReport> {
  const dir = benchDir()
  const rows: DagRow[] = []
  try {
    for (const size of o.sizes) {
      for (const shape of o.shapes) {
        progress(`${shape} ${size} …`)
        const file = dir.write(`${shape}-${size}.yaml`, graphFor(shape, size))
        const r = await runDagChild(file, {numCpus: o.numCpus, cpuProfDir: o.cpuProfDir})
        if (r.state !== 'succeeded') throw new Error(`${shape} ${size}: the run ended ${r.state}`)
        const userWallMs = await timeRaytsOk(['run', file, '--json', '--num-cpus', String(o.numCpus)], join(dir.dir, 'home'))
        const row: DagRow = {
          shape,
          size,
          tasks: r.instances,
          compileMs: r.compileMs,
          compileCpuMs: r.compileCpuMs,
          userWallMs,
          wallMs: r.wallMs,
          schedulerMicrosPerTask: r.parentCpuMicrosPerTask,
          peakRssMb: r.peakRssMb,
        }
        rows.push(row)
        progress(`${shape} ${size}: rayts run ${row.userWallMs.toFixed(0)} ms; runtime alone: compile ${row.compileMs.toFixed(0)} ms (CPU ${row.compileCpuMs.toFixed(0)} ms), wall ${row.wallMs.toFixed(0)} ms, ${row.schedulerMicrosPerTask.toFixed(1)} µs/task, ${row.peakRssMb.toFixed(0)} MB`)
      }
    }
    return {machine: machine(), numCpus: o.numCpus, rows}
  } finally {
    dir.remove()
  }
}
