// How much of what tasks print is kept (docs/limits.md). Counted in characters of text,
// which for ASCII output are bytes. The environment may change them (tests, big jobs); the
// workers inherit the runner's environment, so both sides agree.
import {envBytes, MiB} from './units.js'

/** per attempt: the first half and the last half are kept, a marker says what was cut */
export const ATTEMPT_LOG_DEFAULT = 10 * MiB
/** per run, over all attempts: past it, output is dropped (one marker says so) */
const RUN_LOG_DEFAULT = 100 * MiB

export interface LogLimits {
  readonly attempt: number
  readonly run: number
}

/** $RAYTS_LOG_ATTEMPT_MAX and $RAYTS_LOG_RUN_MAX, sizes (format/units.ts); a bad one is a UsageError */
export function logLimits(env: NodeJS.ProcessEnv = process.env): LogLimits {
  return {
    attempt: envBytes(env, 'RAYTS_LOG_ATTEMPT_MAX', ATTEMPT_LOG_DEFAULT),
    run: envBytes(env, 'RAYTS_LOG_RUN_MAX', RUN_LOG_DEFAULT),
  }
}
