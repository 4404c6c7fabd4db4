// How much of what tasks print is kept (docs/limits.md). Counted in characters of text,
// which for ASCII output are bytes. The environment may change them (tests, big jobs); the
// workers inherit the runner's environment, so both sides agree.

export const MiB = 1024 * 1024

/** per attempt: the first half and the last half are kept, a marker says what was cut */
export const ATTEMPT_LOG_DEFAULT = 10 * MiB
/** per run, over all attempts: past it, output is dropped (one marker says so) */
export const RUN_LOG_DEFAULT = 100 * MiB

export interface LogLimits {
  readonly attempt: number
  readonly run: number
}

export function logLimits(env: NodeJS.ProcessEnv = process.env): LogLimits {
  return {
    attempt: sizeFrom(env.RAYTS_LOG_ATTEMPT_MAX, ATTEMPT_LOG_DEFAULT),
    run: sizeFrom(env.RAYTS_LOG_RUN_MAX, RUN_LOG_DEFAULT),
  }
}

/** `123`, `64k`, `10m` or `1g` (powers of 1024); anything else: the default */
function sizeFrom(text: string | undefined, fallback: number): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text ?? '')
  if (!m) return fallback
  const unit = {'': 1, k: 1024, m: MiB, g: 1024 * MiB}[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']
  return Number(m[1]) * unit
}

/** `10 MiB`, `30.2 MiB`, `12.5 KiB`, `300 characters` */
export function formatSize(chars: number): string {
  const unit = (size: number, name: string): string => `${chars % size === 0 ? chars / size : (chars / size).toFixed(1)} ${name}`
  if (chars >= MiB) return unit(MiB, 'MiB')
  if (chars >= 1024) return unit(1024, 'KiB')
  return `${chars} characters`
}
