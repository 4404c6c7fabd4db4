// The run store: every run, its instances, attempts, results, logs and events, in one
// SQLite database under $RAYTS_HOME (see docs/runs.md).
export {openStore, DB_FILE, type Store} from './db.js'
export {newRunId, checkRunRef, UsageError} from './ids.js'
export type {RunMeta} from './meta.js'
export {recordRun, recordOnThread, type Recorder, type RecordOptions} from './recorder.js'
export {
  getRun,
  listRuns,
  countRuns,
  resolveRunId,
  countStates,
  listInstances,
  getInstance,
  type RunRecord,
  type StoredRunState,
  type InstanceRecord,
} from './runs.js'
export {readEvents, loadResults, loadValue, readLogs, type LogLine, type ReadEventsOptions} from './results.js'
export {reconcileRuns, markEnded, killLeftovers} from './reconcile.js'
export {prepareResume, type PreparedResume} from './resume.js'
export {waitForRefs, checkWaitArgs, batchElapsedMs, type WaitOptions, type WaitResult} from './wait.js'
export {parseRef, resolveRef, refValue, outputRefs, type ResolvedRef, type RefOutcome} from './refs.js'
export {StoreError} from './errors.js'
export {queryInstances, summarizeTasks, taskNames, hasTask, INSTANCE_STATES, DEFAULT_LIST_LIMIT, type InstanceFilter, type InstancePage, type TaskSummary} from './inspect.js'
export {waitReasons, type WaitReason, type WaitKind} from './waiting.js'
