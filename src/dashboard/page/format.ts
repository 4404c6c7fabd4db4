// Numbers and times as the page shows them: durations are printed by format/units.ts,
// bundled into the page, so the page and the CLI write them alike.
import {formatDuration} from '../../format/units.js'

export function micros(us: number | null): string {
  return us === null ? '' : formatDuration(us / 1000)
}

export function millis(ms: number | null): string {
  return ms === null ? '' : formatDuration(ms)
}

const pad = (n: number): string => String(n).padStart(2, '0')

export function when(ms: number | null): string {
  if (ms === null) return ''
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export const count = (n: number): string => n.toLocaleString('en-US')
