// What every rayts command shares: user errors end in one `Error: message` line on stderr
// and a documented exit code, never a stack trace (also under bin/dev.js, where oclif
// would print one).
import {Command} from '@oclif/core'
import {RaytsError, type ErrorCode} from '../core/errors.js'
import {formatUserError, userErrorOf} from './errors.js'

export abstract class BaseCommand extends Command {
  override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    const e = userErrorOf(error, this.id)
    if (e === null) return super.catch(error)
    process.stderr.write(formatUserError(e))
    return this.exit(e.exit)
  }

  /** End the command with a user error: `Error: message`, and the exit code of `code`. */
  protected fail(message: string, code: ErrorCode): never {
    throw new RaytsError(message, {code})
  }
}
