// `rayts run` started by the entry (main.ts) without oclif, once run-argv.ts has read its
// command line: what commands/run.ts does, ending the same way. A user error or a bug is
// reported by oclif's own handler (loaded then, only then), so its output and exit code
// are the command's.
import {ExitCode} from '../core/exit-codes.js'
import type {ParsedRun} from './run-argv.js'
import {runCommand} from './run-command.js'

/** `ended` runs once the run is over, before its exit is handled */
export async function runDirect(parsed: ParsedRun, development: boolean, ended: () => Promise<void>): Promise<void> {
  if (development) process.env.NODE_ENV = 'development'
  let code: number
  try {
    code = await runCommand(parsed.graph, parsed.flags)
  } catch (error) {
    await ended()
    const {reportCommandError} = await import('./oclif-run.js')
    return reportCommandError(error, 'run', development)
  }
  await ended()
  // as oclif ends a command that exits non-zero (its ExitError)
  if (code !== ExitCode.Ok) process.exit(code)
}
