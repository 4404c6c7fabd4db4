// Options, as in Ray's .options(...): retries of exceptions, numReturns, timeouts, maxCalls,
// and a shell command fed by a task's result.
import * as ray from 'rayts'

const tasks = ray.module<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url))
await ray.init({numCpus: 2})

// the first call in a worker throws; retrying exceptions gets past it
const flaky = tasks.remote('flaky', {retryExceptions: true, maxRetries: 3})
console.log(`flaky succeeded in worker ${await ray.get(flaky.remote(1))}`)

// without retryExceptions, an exception is final: a TaskError with the remote error
try {
  await ray.get(tasks.remote('check').remote(-1))
} catch (error) {
  if (!(error instanceof ray.TaskError)) throw error
  console.log(`caught ${error.remoteName}: ${error.remoteMessage}`)
}

// numReturns: one ref per value the function returns
const array = tasks.remote('makeArray').remote(10)
const [sum, length] = tasks.remote('summary').options({numReturns: 2}).remote(array)
console.log(`length ${await ray.get(length)}, sum ${(await ray.get(sum)).toFixed(3)}`)

// a timeout fails the attempt; GetTimeoutError is get's own timeout
try {
  await ray.get(tasks.remote('makeArray', {timeout: 0.5, maxRetries: 0}).remote(20))
} catch (error) {
  if (!(error instanceof ray.TaskError) || !error.timedOut) throw error
  console.log('makeArray(20) timed out after 0.5 s')
}

// a command task: argv with a ref (no shell), output parsed as JSON
const count = ray.command(['node', '-e', 'console.log(JSON.stringify({n: Number(process.argv[1]) * 2}))', length], {output: 'json'})
console.log(`command said ${JSON.stringify(await ray.get(count))}`)
await ray.shutdown()
