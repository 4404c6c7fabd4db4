export {createLocalExecutor, type LocalExecutorOptions} from './local.js'
export type {CmdJob, Executor, ExecutorEvent, ExecutorSink, FnJob, Job, JobOutcome} from './types.js'
