// rayts as a library: `import * as ray from 'rayts'`. See docs/api.md.
export {init, isInitialized, runId, remote, module, command, put, get, wait, cancel, timeline, shutdown} from './api/index.js'
export type {SessionInfo, RemoteModule, GetOptions, WaitOptions} from './api/index.js'
export {ObjectRef, type ValueOf} from './api/object-ref.js'
export type {TaskOptions, FunctionOptions, CommandOptions, CommandOutput, InitOptions, RemoteArgs, RemoteResult, RemoteFunction, CommandValue, Argv} from './api/types.js'
export {RaytsError, isRaytsError, type ErrorCode, TaskError, WorkerCrashedError, TaskCancelledError, GetTimeoutError, ObjectError, ObjectStoreFullError, StoreError} from './api/errors.js'
