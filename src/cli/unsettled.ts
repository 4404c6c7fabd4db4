// A command whose work can no longer settle: the event loop empties while the command still
// waits on a promise (nothing left that could resolve it). Node would end the process with
// exit 13 ("unsettled top-level await") and no word; that is a rayts bug, said as such.
import {ExitCode} from '../core/exit-codes.js'

/**
 * Watch from now until the returned function is called: if the event loop empties meanwhile,
 * print one line on `stderr` and end with ExitCode.Internal. The process's exit hooks still
 * run (a run in progress records itself as cancelled and removes its /dev/shm folder).
 */
export function watchUnsettled(stderr: NodeJS.WritableStream, what: string): () => void {
  const onBeforeExit = (): void => {
    process.off('beforeExit', onBeforeExit)
    stderr.write(`rayts: internal error: ${what} stopped with its work unfinished (nothing left could finish it), please report\n`)
    process.exitCode = ExitCode.Internal
  }
  process.on('beforeExit', onBeforeExit)
  return () => process.off('beforeExit', onBeforeExit)
}
