// The entry of bin/run.js and bin/dev.js: oclif's `execute`, with user errors raised
// outside a command (an unknown command, a plugin's command) printed the way commands
// print theirs.
import {Errors, flush, run, settings} from '@oclif/core'
import {formatUserError, userErrorOf} from './errors.js'

export async function main(dir: string, development: boolean): Promise<void> {
  if (development) {
    process.env.NODE_ENV = 'development'
    settings.debug = true
  }
  try {
    await run(process.argv.slice(2), dir)
    flush()
  } catch (error) {
    const e = userErrorOf(error)
    if (e === null) return Errors.handle(error as Error)
    process.stderr.write(formatUserError(e))
    return Errors.handle(new Errors.ExitError(e.exit))
  }
}
