// The entry of bin/run.js and bin/dev.js: oclif's `execute`, with user errors raised
// outside a command (an unknown command, a plugin's command) printed the way commands
// print theirs.
// the entry points it uses, not '@oclif/core' (its index loads the rest: ~170 KB more to start)
import * as Errors from '@oclif/core/errors'
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'
import {settings} from '@oclif/core/settings'
import {formatUserError, isOclifExit, userErrorOf} from './errors.js'
import {watchUnsettled} from './unsettled.js'

export async function main(dir: string, development: boolean): Promise<void> {
  if (development) {
    process.env.NODE_ENV = 'development'
    settings.debug = true
  }
  const settled = watchUnsettled(process.stderr, `rayts ${process.argv[2] ?? ''}`.trim())
  try {
    await run(process.argv.slice(2), dir)
    flush()
  } catch (error) {
    const e = userErrorOf(error)
    // an exit of a plugin's command (its own copy of @oclif/core): exit with its code, quietly
    if (isOclifExit(error)) return Errors.handle(new Errors.ExitError(error.oclif.exit))
    if (e === null) return Errors.handle(error as Error)
    process.stderr.write(formatUserError(e))
    return Errors.handle(new Errors.ExitError(e.exit))
  } finally {
    settled()
  }
}
