// The one error path of the command line: which errors are the user's (reported as one
// `Error: message` line, no stack, with a documented exit code) and how they are printed.
// Every RaytsError is (its code gives the exit code, core/errors.ts); oclif's parse errors
// and SQLite's are too; anything else is a bug, reported by oclif with its stack.
import * as Errors from '@oclif/core/errors'
import {ExitCode} from '../core/exit-codes.js'
import {exitCodeOf, isRaytsError, RaytsError} from '../core/errors.js'
import {storeErrorFrom} from '../store/errors.js'
import {storeFile} from '../store/home.js'
import {raytsHome} from '../core/home.js'

/** A graph that does not compile: its problems, one `FILE:LINE:COL: message` each. */
export class GraphError extends RaytsError {
  override name = 'GraphError'
  override readonly code = 'RAYTS_ERR_GRAPH'
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'))
  }
}

export interface UserError {
  /** printed after `Error: `; empty for errors already printed in full (graph problems) */
  readonly message: string
  readonly lines: readonly string[]
  readonly exit: number
}

/** oclif's parse errors end with this; the command name is more use to the reader. */
const SEE_HELP = /\s*See more help with --help\s*$/
/** oclif's note on `multiple` flags, wrong for ours (they take one value each). */
const MULTIPLE_NOTE = /\n\nNote: --[\s\S]*$/

/**
 * The user error `error` is, or null for a bug (reported by oclif with its stack). `command`
 * names the command for the `--help` hint.
 */
export function userErrorOf(error: unknown, command?: string): UserError | null {
  if (isOclifExit(error)) return null
  const help = command ? `See: rayts ${command.replaceAll(':', ' ')} --help` : 'See: rayts help'
  if (isRaytsError(error)) {
    const exit = exitCodeOf(error.code)
    if (error instanceof GraphError) return {message: '', lines: error.problems, exit}
    // a flag's own parse error (ours are UsageErrors) comes wrapped by oclif: unwrap it
    const message = error.code === 'RAYTS_ERR_USAGE' ? flagParseMessage(error.message) : error.message
    return {message, lines: message === error.message ? [] : [help], exit}
  }
  // SQLite's own errors, met outside the store's checks
  const store = storeErrorFrom(error, raytsHome(), storeFile())
  if (store) return {message: store.message, lines: [], exit: exitCodeOf(store.code)}
  if (isOclifError(error)) {
    const message = flagParseMessage(error.message).replace(MULTIPLE_NOTE, '').replace(SEE_HELP, '')
    const exit = error.oclif?.exit ?? ExitCode.Usage
    return {message, lines: exit === ExitCode.Usage ? [help] : [], exit}
  }
  return null
}

/**
 * An error of @oclif/core, by its shape: the CLI's bundle (scripts/bundle-cli.mjs) holds its
 * own copy of @oclif/core, and the help and autocomplete plugins load the one in
 * node_modules, whose classes are not the bundle's.
 */
function isOclifError(error: unknown): error is InstanceType<typeof Errors.CLIError> {
  if (error instanceof Errors.CLIError) return true
  const oclif = (error as {oclif?: unknown} | null)?.oclif
  return error instanceof Error && typeof oclif === 'object' && oclif !== null
}

/** oclif's ExitError (`this.exit(code)`), from either copy of @oclif/core */
export function isOclifExit(error: unknown): error is InstanceType<typeof Errors.ExitError> {
  return isOclifError(error) && (error as {code?: unknown}).code === 'EEXIT'
}

/** `Parsing --timeout \n\tbad value…` (oclif's wrapping of a flag's parse error) → `--timeout: bad value…` */
function flagParseMessage(message: string): string {
  const m = /^Parsing (--\S+) \n\t([\s\S]*)$/.exec(message)
  if (!m) return message
  const inner = m[2]!.replace(SEE_HELP, '')
  return inner.startsWith(m[1]!) ? inner : `${m[1]}: ${inner}`
}

/** The text a user error prints on stderr. */
export function formatUserError(e: UserError): string {
  return [...(e.message ? [`Error: ${e.message}`] : []), ...e.lines].join('\n') + '\n'
}
