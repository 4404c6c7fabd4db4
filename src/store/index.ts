// The run store: every run, its instances, attempts, results, logs and events, in one
// SQLite database under $RAYTS_HOME (see docs/runs.md).
export {openStore, DB_FILE, type Store} from './db.js'
export {newRunId, UsageError} from './ids.js'
export type {RunMeta} from './query/meta.js'
export {recordRun, recordOnThread, type Recorder, type RecordOptions} from './record/recorder.js'
export {getRun, listRuns, countRuns, resolveRunId, countStates, listInstances, getInstance, type RunRecord, type StoredRunState, type InstanceRecord} from './query/runs.js'
export {readEvents, loadResults, loadValue, readLogs, type LogLine, type ReadEventsOptions} from './query/results.js'
export {reconcileRuns, markEnded} from './upkeep/reconcile.js'
export {prepareResume, type PreparedResume} from './query/resume.js'
export {waitForRefs, checkWaitArgs, batchElapsedMs, type WaitOptions, type WaitResult} from './query/wait.js'
export {parseRef, resolveRef, refValue, type ResolvedRef, type RefOutcome} from './query/refs.js'

export {queryInstances, summarizeTasks, taskNames, hasTask, DEFAULT_LIST_LIMIT, type InstanceFilter, type InstancePage, type TaskSummary} from './query/inspect.js'
export {waitReasons, type WaitReason, type WaitKind} from './query/waiting.js'
