export {createLocalExecutor, type LocalExecutorOptions} from './pool/local.js'
export type {CmdJob, Executor, ExecutorEvent, ExecutorSink, FnChain, FnJob, Job, JobOutcome} from './types.js'
export {chainsOn} from './pool/chain-switch.js'
