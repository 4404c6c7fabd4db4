const UNIT_SECONDS: Record<string, number> = {ms: 0.001, s: 1, m: 60, h: 3600}
const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/

/**
 * Seconds from a duration: a number of seconds, or a string with a unit
 * (`500ms`, `2.5s`, `1m`, `1h`; a bare numeric string is seconds too). Undefined when invalid.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const bare = value.trim()
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(bare)) return Number(bare)
  const m = DURATION.exec(value)
  if (!m) return undefined
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!
}
