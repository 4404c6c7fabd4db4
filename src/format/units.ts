// Sizes and durations, read and printed in one place: the CLI's flags, the environment
// ($RAYTS_HOME_BUDGET, $RAYTS_OBJECT_STORE_MEMORY, $RAYTS_LOG_ATTEMPT_MAX,
// $RAYTS_LOG_RUN_MAX), the graph's durations, the store, the logs, the timeline and the
// dashboard page. The page bundles this file for the browser: no Node imports here.
import {UsageError} from '../core/usage-error.js'

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB
export const TiB = 1024 * GiB

// K, KB and KiB are all 1024 (as `--object-store-memory`, the `bytes` package and Docker
// read them): one meaning of `1GB` everywhere (docs/limits.md).
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1], ['b', 1],
  ['k', KiB], ['kb', KiB], ['kib', KiB],
  ['m', MiB], ['mb', MiB], ['mib', MiB],
  ['g', GiB], ['gb', GiB], ['gib', GiB],
  ['t', TiB], ['tb', TiB], ['tib', TiB],
])

/** what a size may look like, for error messages */
const SIZE_FORMS = 'a whole number of bytes, or a number with a unit K, M, G or T (powers of 1024; KB, KiB alike), like 64K, 500MiB, 1.5G'

/** Bytes of `512`, `64k`, `500MiB`, `1.5G`, `2TB` (case and spaces free); undefined when it is not a size. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text)
  if (!m) return undefined
  const unit = SIZE_UNITS.get(m[2]!.toLowerCase())
  if (unit === undefined) return undefined
  // a fraction of a byte is a typo, not a size
  if (unit === 1 && m[1]!.includes('.')) return undefined
  const n = Math.floor(Number(m[1]) * unit)
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * Bytes of a size > 0 the user gave, or a UsageError naming `what` (`--object-store-memory`,
 * `RAYTS_LOG_RUN_MAX`) and the accepted forms (`or`: another one the caller takes, `off`).
 */
export function requireBytes(what: string, text: string, o: {readonly or?: string} = {}): number {
  const n = parseBytes(text)
  if (n === undefined || n === 0) {
    throw new UsageError(`${what}: expected ${o.or ? `${o.or}, or ` : ''}a size greater than 0: ${SIZE_FORMS}; got "${text}"`)
  }
  return n
}

/**
 * A size from the environment: `fallback` when `name` is unset or empty, else the size it
 * says, or a UsageError (exit 2 on the command line) when it is not one.
 */
export function envBytes<T extends number | undefined>(env: NodeJS.ProcessEnv, name: string, fallback: T): number | T {
  const text = env[name]
  return text === undefined || text.trim() === '' ? fallback : requireBytes(name, text)
}

/** `512 B`, `1.5 KiB`, `30.2 MiB`, `10 MiB`, `1 GiB`; `small` names the unit below 1 KiB. */
export function formatBytes(n: number, small = 'B'): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  if (Math.abs(n) < KiB) return `${n} ${small}`
  let i = 0
  let v = n / KiB
  for (;;) {
    // round first, then pick the unit: 1023.96 KiB is `1 MiB`, not `1024.0 KiB`
    const shown = Number.isInteger(v) ? String(v) : Math.abs(v) < 100 ? v.toFixed(1) : String(Math.round(v))
    if (Math.abs(Number(shown)) < 1024 || i === units.length - 1) return `${shown} ${units[i]}`
    v /= 1024
    i++
  }
}

const DURATION_UNITS: ReadonlyMap<string, number> = new Map([['ms', 0.001], ['s', 1], ['m', 60], ['h', 3600]])

/** what a duration may look like, for error messages */
export const DURATION_FORMS = 'a number of seconds, or a number with a unit ms, s, m or h, like 500ms, 2.5s, 1m, 1h'

/**
 * Seconds of a duration: a number of seconds, or a string with a unit (`500ms`, `2.5s`,
 * `1m`, `1h`; a bare numeric string is seconds too). Undefined when invalid or negative.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/.exec(value)
  if (!m) return undefined
  const n = Number(m[1]) * (m[2] === undefined ? 1 : DURATION_UNITS.get(m[2])!)
  return Number.isFinite(n) ? n : undefined
}

const sig3 = (n: number): string => String(Number(n.toPrecision(3)))

/**
 * A duration for people, in milliseconds: `850 µs`, `12.5 ms`, `1.25 s`, `59.9 s`,
 * `2 m 5 s`, `1 h 2 m`. The value is rounded before it is split into units, so that
 * 119.5 s prints `2 m 0 s`, never `1 m 60 s`. Non-finite: an empty string.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ''
  if (ms === 0) return '0 s'
  const sign = ms < 0 ? '-' : ''
  const abs = Math.abs(ms)
  const near = Number(abs.toPrecision(3))
  if (near < 1) return `${sign}${sig3(abs * 1000)} µs`
  if (near < 1000) return `${sign}${sig3(abs)} ms`
  if (near < 60_000) return `${sign}${sig3(abs / 1000)} s`
  const s = Math.round(abs / 1000)
  if (s < 3600) return `${sign}${Math.floor(s / 60)} m ${s % 60} s`
  const m = Math.round(abs / 60_000)
  return `${sign}${Math.floor(m / 60)} h ${m % 60} m`
}

/** `1.234 s`: a run's or a task's elapsed time, to the millisecond, for summaries that are compared */
export function formatSeconds(s: number): string {
  return `${s.toFixed(3)} s`
}
