// An error nothing catches in task code (a throw in a timer, a rejection no one awaits)
// ends the worker, as it would end node. Before it exits, what node would have printed goes
// to the running job's log, and the error to the parent, which reports it as the cause of
// the crash (retried like any crash, under max_retries). Task code that listens for these
// itself keeps node's rule: then the error is its business, and the worker lives on.
import {inspect} from 'node:util'
import type {TaskFailure} from '../../core/events.js'
import type {FromWorker} from '../protocol.js'
import {toTaskFailure} from './errors.js'

export type FatalOrigin = Extract<FromWorker, {t: 'fatal'}>['origin']

export interface FatalHooks {
  /** write to the running job's stderr log */
  log(text: string): void
  /** send what the running batch has pending, then stop sending */
  silence(): void
  /** send the cause; `sent` runs once it is written (or cannot be) */
  report(origin: FatalOrigin, error: TaskFailure, sent: () => void): void
}

const EXIT_CODE = 1
/** exit even if the report's callback never comes */
const REPORT_WAIT_MS = 2000

export function exitOnFatal(hooks: FatalHooks): void {
  let ending = false
  const die = (thrown: unknown, origin: FatalOrigin): void => {
    if (process.listenerCount(origin) > 1) return
    if (ending) return // an error while ending: the first one is the cause
    ending = true
    setTimeout(() => process.exit(EXIT_CODE), REPORT_WAIT_MS)
    try {
      hooks.log(`${origin === 'uncaughtException' ? 'Uncaught' : 'Unhandled rejection:'} ${describe(thrown)}\n`)
      hooks.silence()
      hooks.report(origin, toTaskFailure(thrown), () => process.exit(EXIT_CODE))
    } catch {
      process.exit(EXIT_CODE)
    }
  }
  process.on('uncaughtException', (error) => die(error, 'uncaughtException'))
  process.on('unhandledRejection', (reason) => die(reason, 'unhandledRejection'))
}

/** the thrown value as node prints it: an error's stack (and its own properties) */
function describe(thrown: unknown): string {
  try {
    return inspect(thrown)
  } catch {
    return String(thrown)
  }
}
