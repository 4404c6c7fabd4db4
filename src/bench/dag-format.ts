// The dag report for people: one line per graph, with the targets it misses.
import type {DagReport, DagRow} from './dag.js'

/**
 * the targets (benchmarks, never tests), issue 23's aims: the user's path (`rayts run` as a
 * process, spawn to exit) by shape and compile time at 100k tasks, RSS, scheduler CPU
 */
const DAG_TARGETS = {userWallMsAt100k: {wide: 2000, 'fan-in': 3000, deep: 4000}, compileMsAt100k: 1000, peakRssMb: 300, schedulerMicrosPerTask: 5} as const

export function missedTargets(row: DagRow): string[] {
  const missed: string[] = []
  const wall = DAG_TARGETS.userWallMsAt100k[row.shape]
  if (row.size >= 100_000 && row.userWallMs > wall) missed.push(`rayts run > ${wall / 1000} s`)
  if (row.size >= 100_000 && row.compileMs > DAG_TARGETS.compileMsAt100k) missed.push(`compile > ${DAG_TARGETS.compileMsAt100k / 1000} s`)
  if (row.peakRssMb > DAG_TARGETS.peakRssMb) missed.push(`RSS > ${DAG_TARGETS.peakRssMb} MB`)
  if (row.schedulerMicrosPerTask > DAG_TARGETS.schedulerMicrosPerTask) missed.push(`scheduler > ${DAG_TARGETS.schedulerMicrosPerTask} µs/task`)
  return missed
}

export function formatDag(r: DagReport): string {
  const n = (x: number, d = 0): string => x.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})
  const head = ['shape', 'tasks', 'rayts run ms', 'compile ms', 'compile CPU ms', 'wall ms', 'tasks/s', 'sched µs/task', 'peak RSS MB', 'targets missed']
  const body = r.rows.map((row) => [
    row.shape,
    n(row.tasks),
    n(row.userWallMs, 0),
    n(row.compileMs, 1),
    n(row.compileCpuMs, 0),
    n(row.wallMs, 1),
    n(row.tasks / (row.wallMs / 1000)),
    n(row.schedulerMicrosPerTask, 2),
    n(row.peakRssMb, 1),
    missedTargets(row).join(', ') || '-',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length))) // eslint-disable-line no-restricted-syntax -- bounded: one row per graph or size
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  const m = r.machine
  return [
    `machine: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, ${m.platform}-${m.arch}; --num-cpus ${r.numCpus}`,
    "rayts run ms = the user's path: `rayts run GRAPH --json` as a process, store on, spawn to exit;",
    'then the runtime alone, each graph compiled and run in a fresh process: compile = compileGraphFile, wall and CPU time;',
    'wall = start() to done (worker start-up included, compile not);',
    'sched µs/task = CPU time of the rayts process during the run / tasks; peak RSS = the rayts process (not its workers)',
    '',
    line(head),
    ...body.map(line),
  ].join('\n')
}
