// oclif's `execute`, with user errors raised outside a command (an unknown command, a
// plugin's command) printed the way commands print theirs. Loaded by main.ts.
// The entry points it uses, not '@oclif/core' (its index loads the rest: ~170 KB more to start)
import * as Errors from '@oclif/core/errors'
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'
import {settings} from '@oclif/core/settings'
import {formatUserError, isOclifExit, userErrorOf} from './errors.js'

/** `ended` runs once the command is over, before its exit is handled */
export async function runOclif(argv: string[], dir: string, development: boolean, ended: () => Promise<void>): Promise<void> {
  if (development) developmentSettings()
  try {
    await run(argv, dir)
    await ended()
    flush()
  } catch (error) {
    await ended()
    const e = userErrorOf(error)
    // an exit of a plugin's command (its own copy of @oclif/core): exit with its code, quietly
    if (isOclifExit(error)) return Errors.handle(new Errors.ExitError(error.oclif.exit))
    if (e === null) return Errors.handle(error as Error)
    process.stderr.write(formatUserError(e))
    return Errors.handle(new Errors.ExitError(e.exit))
  }
}

/**
 * The error of a command run without oclif (run-direct.ts), reported as the command's
 * `catch` (BaseCommand) and then oclif's handler above would: a user error in one line with
 * its exit code, a bug with its stack.
 */
export async function reportCommandError(error: unknown, command: string, development: boolean): Promise<void> {
  if (development) developmentSettings()
  const e = userErrorOf(error, command)
  if (e === null) return Errors.handle(error as Error)
  process.stderr.write(formatUserError(e))
  return Errors.handle(new Errors.ExitError(e.exit))
}

function developmentSettings(): void {
  process.env.NODE_ENV = 'development'
  settings.debug = true
}
