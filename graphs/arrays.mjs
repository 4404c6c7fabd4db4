// The lesson's functions: making and adding arrays, slowed down so the parallelism shows.
import {setTimeout as sleep} from 'node:timers/promises'

/** n standard-normal numbers (Box–Muller), after sleeping n/10 seconds. */
export async function makeArray(n) {
  await sleep((n / 10) * 1000)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const u = 1 - Math.random()
    const v = Math.random()
    const r = Math.sqrt(-2 * Math.log(u))
    out[i] = r * Math.cos(2 * Math.PI * v)
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v)
  }
  return out
}

/** The elementwise sum of two arrays, after sleeping a.length/10 seconds. */
export async function addArrays(a, b) {
  await sleep((a.length / 10) * 1000)
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i]
  return out
}
