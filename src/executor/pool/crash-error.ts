// How a worker's death reads as the error of the job it was running: the uncaught error it
// reported before exiting (worker/fatal.ts), else how it ended and its last stderr line.
import type {TaskFailure} from '../../core/events.js'
import type {WorkerProc} from './worker-proc.js'

export function crashError(worker: WorkerProc, code: number | null, signal: NodeJS.Signals | null, running: string): TaskFailure {
  const fatal = worker.fatal
  if (fatal !== null) {
    const what = fatal.origin === 'uncaughtException' ? 'an uncaught exception' : 'an unhandled rejection'
    const {name, message, stack} = fatal.error
    return {kind: 'crash', name: 'CrashError', message: `worker ${worker.pid} exited on ${what} while running ${running}: ${name}: ${message}`, ...(stack ? {stack} : {})}
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
  const last = worker.lastStderr()
  return {kind: 'crash', name: 'CrashError', message: `worker ${worker.pid} ${how} while running ${running}${last ? `: ${last}` : ''}`, ...(signal ? {signal} : {})}
}
