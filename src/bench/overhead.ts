// `rayts bench overhead`: per-task cost of fn and cmd tasks, beside the floors measured in
// the same run (a raw fork IPC round trip, unbatched messages pipelined to the workers, a bare
// spawn loop at the same concurrency). The headline is the user's path: `rayts run` as a
// process with its store; the in-process figures are the executor alone, and say so.
import {availableParallelism} from 'node:os'
import {measureIpcRoundTrip, measureSpawnLoop} from './floor.js'
import {benchDir, commandsGraph, deepGraph, wideGraph} from './graphs.js'
import type {EventStream} from '../core/events.js'
import {FakeTerminal} from './fake-terminal.js'
import {measureRun, secondsBeyond} from './measure.js'
import {median, percentile} from './stats.js'
import {measureIpcPipelined} from './ipc-floor.js'
import {type UserPathReport, measureUserPath} from './user-path.js'

export interface OverheadOptions {
  /** no-op fn tasks submitted at once */
  readonly fnTasks: number
  /** no-op fn tasks one at a time (a chain) */
  readonly chainTasks: number
  /** `true` commands */
  readonly cmdTasks: number
  /** no-op fn tasks run with and without the live UI */
  readonly uiTasks: number
  /** runs of each start-up measure, of which the median is reported */
  readonly startupRuns: number
  readonly numCpus: number
}

export interface OverheadReport {
  readonly machine: {readonly cores: number; readonly node: string}
  readonly numCpus: number
  /** the user's path: `rayts run` as a process, store on, spawn to exit; CLI start-up */
  readonly userPath: UserPathReport
  /** the executor alone, in this process: no store, no reporter, no CLI start-up */
  readonly fn: {readonly tasks: number; readonly seconds: number; readonly tasksPerSecond: number; readonly parentCpuMicrosPerTask: number}
  readonly fnSync: {readonly tasks: number; readonly p50Micros: number; readonly p99Micros: number}
  readonly cmd: {readonly tasks: number; readonly seconds: number; readonly tasksPerSecond: number}
  /** the live UI's cost: tasks/s of the same no-op run with the Ink UI on a terminal and with
   * the UI off (the plain reporter, as on a pipe: results and summary still written), medians of 3 */
  readonly ui: {readonly tasks: number; readonly withUi: number; readonly withoutUi: number; readonly ratio: number}
  readonly floor: {
    readonly ipcRoundTrip: {readonly p50Micros: number; readonly p99Micros: number}
    /** one no-op message per task, pipelined to numCpus forked workers, unbatched */
    readonly ipcPipelined: {readonly workers: number; readonly messagesPerSecond: number}
    readonly spawnLoop: {readonly concurrency: number; readonly perSecond: number}
  }
}

export const defaultOverheadOptions: OverheadOptions = {
  fnTasks: 100_000,
  chainTasks: 5_000,
  cmdTasks: 2_000,
  uiTasks: 10_000,
  startupRuns: 5,
  numCpus: availableParallelism(),
}

export async function benchOverhead(o: OverheadOptions, progress: (line: string) => void = () => {}): Promise<OverheadReport> {
  const dir = benchDir()
  try {
    const one = dir.write('one.yaml', wideGraph(1))
    const wide = dir.write('wide.yaml', wideGraph(o.fnTasks))
    const chain = dir.write('chain.yaml', deepGraph(o.chainTasks))
    const cmdOne = dir.write('cmd-one.yaml', commandsGraph(1))
    const cmds = dir.write('cmds.yaml', commandsGraph(o.cmdTasks))

    progress(`fn: ${o.fnTasks} no-op tasks at once`)
    const base = await measureRun(one, {numCpus: o.numCpus})
    const fnRun = await measureRun(wide, {numCpus: o.numCpus})
    const fnSeconds = secondsBeyond(fnRun.wallMs, base.wallMs)

    progress(`fn: ${o.chainTasks} no-op tasks one at a time`)
    const chainRun = await measureRun(chain, {numCpus: o.numCpus, keepEnds: true})
    const gaps = chainRun.ends.slice(1).map((t, i) => t - chainRun.ends[i]!).sort((a, b) => a - b)

    progress(`cmd: ${o.cmdTasks} \`true\` commands`)
    const cmdBase = await measureRun(cmdOne, {numCpus: o.numCpus})
    const cmdRun = await measureRun(cmds, {numCpus: o.numCpus})
    const cmdSeconds = secondsBeyond(cmdRun.wallMs, cmdBase.wallMs)

    progress(`ui: ${o.uiTasks} no-op tasks with the live UI and without, 3 times each`)
    const ui = await measureUi(dir.write('ui.yaml', wideGraph(o.uiTasks)), o)

    progress(`user's path: \`rayts run\` of 1 and ${o.fnTasks} no-op tasks as a process, store on; CLI start-up`)
    const userPath = await measureUserPath(dir.dir, one, wide, o.fnTasks, o.startupRuns)

    progress('floors: raw IPC round trip, unbatched pipelined IPC, bare spawn loop')
    const ipc = await measureIpcRoundTrip(5_000)
    const pipelined = await measureIpcPipelined(Math.max(1_000, Math.min(o.fnTasks, 100_000)), o.numCpus)
    const spawn = await measureSpawnLoop(Math.min(o.cmdTasks, 1_000), o.numCpus)
    return {
      machine: {cores: availableParallelism(), node: process.version},
      numCpus: o.numCpus,
      userPath,
      fn: {tasks: o.fnTasks, seconds: fnSeconds, tasksPerSecond: o.fnTasks / fnSeconds, parentCpuMicrosPerTask: fnRun.parentCpuMicrosPerTask},
      fnSync: {tasks: o.chainTasks, p50Micros: percentile(gaps, 50), p99Micros: percentile(gaps, 99)},
      cmd: {tasks: o.cmdTasks, seconds: cmdSeconds, tasksPerSecond: o.cmdTasks / cmdSeconds},
      ui,
      floor: {ipcRoundTrip: ipc, ipcPipelined: {workers: o.numCpus, messagesPerSecond: pipelined.messagesPerSecond}, spawnLoop: {concurrency: o.numCpus, perSecond: spawn.perSecond}},
    }
  } finally {
    dir.remove()
  }
}

async function measureUi(file: string, o: OverheadOptions): Promise<OverheadReport['ui']> {
  const {attachReporter} = await import('../ui/index.js')
  const withUi: number[] = []
  const withoutUi: number[] = []
  const attach = (renderer: 'ink' | 'plain') => (events: EventStream) =>
    attachReporter(events, {renderer, color: renderer === 'ink', stdout: new FakeTerminal(renderer === 'ink'), stderr: new FakeTerminal(renderer === 'ink')})
  for (let i = 0; i < 3; i++) {
    withoutUi.push(o.uiTasks / ((await measureRun(file, {numCpus: o.numCpus, attach: attach('plain')})).wallMs / 1000))
    withUi.push(o.uiTasks / ((await measureRun(file, {numCpus: o.numCpus, attach: attach('ink')})).wallMs / 1000))
  }
  return {tasks: o.uiTasks, withUi: median(withUi), withoutUi: median(withoutUi), ratio: median(withUi) / median(withoutUi)}
}

export function formatOverhead(r: OverheadReport): string {
  const n = (x: number, d = 0) => x.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})
  const u = r.userPath
  const share = (x: number) => `${n((x / r.fn.tasksPerSecond) * 100)}% of the executor alone, ${n(x / r.floor.ipcPipelined.messagesPerSecond, 2)}× the unbatched IPC floor`
  return [
    `machine: ${r.machine.cores} cores, Node ${r.machine.node}; --num-cpus ${r.numCpus}`,
    '',
    "the user's path: `rayts run` as a process, store on, spawn to exit",
    `  rayts run, ${n(u.tasks)} no-op fn tasks, --json   ${n(u.json.tasksPerSecond)} tasks/s  (${n(u.json.wallMs)} ms; ${share(u.json.tasksPerSecond)})`,
    `  rayts run, ${n(u.tasks)} no-op fn tasks, plain    ${n(u.plain.tasksPerSecond)} tasks/s  (${n(u.plain.wallMs)} ms; ${share(u.plain.tasksPerSecond)})`,
    `  rayts run, a 1-task graph        ${n(u.oneTaskRunMs)} ms  (${n(u.oneTaskRunMs / u.nodeStartMs, 2)}× \`node -e 0\`: ${n(u.nodeStartMs)} ms; medians of ${u.runs})`,
    `  rayts --version / --help         ${n(u.versionMs)} / ${n(u.helpMs)} ms  (${n(u.versionMs / u.nodeStartMs, 2)}× / ${n(u.helpMs / u.nodeStartMs, 2)}× \`node -e 0\`)`,
    '',
    'the executor alone, in this process (no store, no reporter, no CLI start-up)',
    `fn tasks, all at once   ${n(r.fn.tasksPerSecond)} tasks/s  (${n(r.fn.tasks)} in ${n(r.fn.seconds, 3)} s; scheduler process CPU ${n(r.fn.parentCpuMicrosPerTask, 2)} µs/task; floor: unbatched IPC to ${r.floor.ipcPipelined.workers} workers ${n(r.floor.ipcPipelined.messagesPerSecond)} messages/s)`,
    `fn tasks, one at a time p50 ${n(r.fnSync.p50Micros, 1)} µs, p99 ${n(r.fnSync.p99Micros, 1)} µs  (floor: raw IPC round trip p50 ${n(r.floor.ipcRoundTrip.p50Micros, 1)} µs, p99 ${n(r.floor.ipcRoundTrip.p99Micros, 1)} µs)`,
    `cmd \`true\` tasks        ${n(r.cmd.tasksPerSecond)} tasks/s  (floor: bare spawn loop at concurrency ${r.floor.spawnLoop.concurrency}: ${n(r.floor.spawnLoop.perSecond)}/s)`,
    `live UI                 ${n(r.ui.ratio * 100)}% of the tasks/s without it  (${n(r.ui.tasks)} no-op tasks: ${n(r.ui.withUi)} vs ${n(r.ui.withoutUi)} tasks/s, medians of 3)`,
  ].join('\n')
}
