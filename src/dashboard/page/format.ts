// Numbers and times as the page shows them.

export function micros(us: number | null): string {
  if (us === null || !Number.isFinite(us)) return ''
  if (us < 1000) return `${Math.round(us)} µs`
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 1 : 0)} ms`
  return millis(us / 1000)
}

export function millis(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return ''
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} m ${Math.round(s - m * 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} m`
}

const pad = (n: number): string => String(n).padStart(2, '0')

export function when(ms: number | null): string {
  if (ms === null) return ''
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export const count = (n: number): string => n.toLocaleString('en-US')
