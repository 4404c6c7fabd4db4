export {createLocalExecutor, type LocalExecutorOptions} from './local.js'
export type {CmdJob, Executor, ExecutorEvent, ExecutorSink, FnChain, FnJob, Job, JobOutcome} from './types.js'
export {chainsOn} from './chain-switch.js'
