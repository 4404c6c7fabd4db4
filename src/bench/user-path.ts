// What users run, timed from outside: `rayts run` as a process with its store, from spawn to
// exit, and the start-up of the CLI itself beside `node -e 0` measured in the same sitting.
import {join} from 'node:path'
import {checkBuiltCli, medianWall, timeNode, timeRaytsOk} from './cli-run.js'
import {secondsBeyond} from './measure.js'

export interface UserPathRun {
  readonly wallMs: number
  /** tasks / (wall − the 1-task run's wall): start-up and compile of a graph cancel out */
  readonly tasksPerSecond: number
}

export interface UserPathReport {
  /** runs of each start-up measure below, of which the median is given */
  readonly runs: number
  /** `node -e 0`: the floor of any Node CLI on this machine */
  readonly nodeStartMs: number
  readonly versionMs: number
  readonly helpMs: number
  /** `rayts run` of a 1-task graph */
  readonly oneTaskRunMs: number
  readonly tasks: number
  /** `rayts run GRAPH --json > pipe` */
  readonly json: UserPathRun
  /** `rayts run GRAPH > pipe`: the plain reporter, as in a script */
  readonly plain: UserPathRun
}

export async function measureUserPath(dir: string, oneTaskGraph: string, graph: string, tasks: number, runs: number): Promise<UserPathReport> {
  checkBuiltCli()
  const home = join(dir, 'home')
  const nodeStartMs = await medianWall(runs, async () => {
    const r = await timeNode(['-e', '0'])
    return r.wallMs
  })
  const versionMs = await medianWall(runs, () => timeRaytsOk(['--version'], home))
  const helpMs = await medianWall(runs, () => timeRaytsOk(['--help'], home))
  const oneTaskRunMs = await medianWall(runs, () => timeRaytsOk(['run', oneTaskGraph], home))
  const rate = (wallMs: number): UserPathRun => ({wallMs, tasksPerSecond: tasks / secondsBeyond(wallMs, oneTaskRunMs)})
  const json = rate(await timeRaytsOk(['run', graph, '--json'], home))
  const plain = rate(await timeRaytsOk(['run', graph], home))
  return {runs, nodeStartMs, versionMs, helpMs, oneTaskRunMs, tasks, json, plain}
}
