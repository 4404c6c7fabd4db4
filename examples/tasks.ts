// The lesson's task functions, in TypeScript. Workers load this module themselves: a task
// module is any .ts/.mts/.js/.mjs file.
import {setTimeout as sleep} from 'node:timers/promises'

/** n standard-normal numbers (Box–Muller), after sleeping n/10 seconds */
export async function makeArray(n: number): Promise<Float64Array> {
  await sleep((n / 10) * 1000)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()))
    const v = Math.random()
    out[i] = r * Math.cos(2 * Math.PI * v)
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v)
  }
  return out
}

/** the elementwise sum of two arrays, after sleeping a.length/10 seconds */
export async function addArrays(a: Float64Array, b: Float64Array): Promise<Float64Array> {
  await sleep((a.length / 10) * 1000)
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!
  return out
}

/** the sum of an array, with its length */
export function summary(a: Float64Array): [sum: number, length: number] {
  let sum = 0
  for (const x of a) sum += x
  return [sum, a.length]
}

/** throws a ValueError */
export function check(x: number): number {
  if (x < 0) {
    const error = new Error(`${x} is negative`)
    error.name = 'ValueError'
    throw error
  }
  return x
}

/** fails the first `failures` calls in its worker process, then returns the pid */
let calls = 0
export function flaky(failures: number): number {
  if (++calls <= failures) throw new Error(`call ${calls} fails`)
  return process.pid
}
