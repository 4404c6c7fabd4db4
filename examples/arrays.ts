// The lesson's first example: two arrays made side by side, then added. About 4 s, not 6.
import * as ray from 'rayts'

const tasks = ray.module<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url))

const started = Date.now()
const {runId} = await ray.init({numCpus: 2})
// sleeping needs no CPU: a quarter slot each, as in the lesson
const makeArray = tasks.remote('makeArray', {numCpus: 0.25})
const addArrays = tasks.remote('addArrays', {numCpus: 0.25})

const id1 = makeArray.remote(20)
const id2 = makeArray.remote(20)
const id3 = addArrays.remote(id1, id2) // runs once id1 and id2 are ready
const sum = await ray.get(id3, {timeout: 30})
console.log(`id3 = Float64Array(${sum.length}) [${Array.from(sum.subarray(0, 3), (x) => x.toFixed(3)).join(', ')}, ...]`)
console.log(`elapsed ${((Date.now() - started) / 1000).toFixed(1)} s (run ${runId}: rayts status ${runId})`)
await ray.shutdown()
