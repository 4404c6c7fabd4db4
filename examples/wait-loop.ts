// The lesson's ray.wait loop: arrays of growing size; each is added to itself as soon as it
// is ready, and results are printed as they come, two at a time.
import * as ray from 'rayts'

const tasks = ray.module<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url))

const started = Date.now()
await ray.init({numCpus: 2})
const makeArray = tasks.remote('makeArray', {numCpus: 0.25})
const addArrays = tasks.remote('addArrays', {numCpus: 0.25})

const arrays = [0, 10, 20, 30, 40].map((n) => makeArray.remote(n))
let remaining = arrays.map((ref) => addArrays.remote(ref, ref))
while (remaining.length > 0) {
  const numReturns = Math.min(2, remaining.length)
  const ready = await ray.wait(remaining, {numReturns, timeout: 2.5})
  remaining = ready.remaining
  const elapsed = ((Date.now() - started) / 1000).toFixed(1)
  console.log(`Returned ${ready.ready.length} completed tasks (elapsed ${elapsed} s)`)
  for (const ref of ready.ready) {
    const value = await ray.get(ref)
    console.log(`  ${ref.name} = ${value.length} values`)
  }
}
await ray.shutdown()
