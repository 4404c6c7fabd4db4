// Throughput probes of the local executor (a benchmark, not a test):
//   node --import tsx benchmark/executor.ts fn [jobs] [batch] [lanes]
//   node --import tsx benchmark/executor.ts cmd [jobs] [concurrency] [slotsPerWorker]
//   node --import tsx benchmark/executor.ts floor
import {createLocalExecutor} from '../src/executor/index.js'
import {measureIpcRoundTrip, measureSpawnLoop} from '../src/bench/floor.js'
import type {ExecutorSink, Job, JobOutcome} from '../src/executor/types.js'
import {cmdJob, fnJob} from '../test/executor/helpers.js'

const [what = 'fn', a, b, c] = process.argv.slice(2)

/** run `total` jobs, `lanes` batches in flight, on one warm executor; jobs per second */
async function drive(ex: Bench, total: number, lanes: number, batchSize: number, make: (inst: number) => Job): Promise<number> {
  let next = 0
  let done = 0
  let failed = 0
  const laneOf: number[] = []
  const remaining: number[] = []
  let resolveAll!: () => void
  const all = new Promise<void>((r) => (resolveAll = r))
  const submitBatch = (lane: number): void => {
    if (next >= total) return
    const jobs: Job[] = []
    for (let k = 0; k < batchSize && next < total; k++) {
      laneOf[next] = lane
      jobs.push(make(next++))
    }
    remaining[lane] = jobs.length
    ex.executor.submit(jobs)
  }
  ex.onDone = (outcome) => {
    if (!outcome.ok) failed++
    done++
    const lane = laneOf[outcome.inst]!
    if (--remaining[lane]! === 0) submitBatch(lane)
    if (done === total) resolveAll()
  }
  const t0 = performance.now()
  for (let lane = 0; lane < lanes; lane++) submitBatch(lane)
  await all
  const seconds = (performance.now() - t0) / 1000
  if (failed) console.log(`${failed} failed`)
  return total / seconds
}

interface Bench {
  executor: ReturnType<typeof createLocalExecutor>
  onDone: (outcome: JobOutcome) => void
}

function bench(options = {}): Bench {
  const b: Bench = {executor: undefined as never, onDone: () => {}}
  const sink: ExecutorSink = {started() {}, log() {}, event() {}, done: (o) => b.onDone(o)}
  b.executor = createLocalExecutor(sink, options)
  return b
}

if (what === 'fn') {
  const total = Number(a ?? 100_000)
  const batch = Number(b ?? 64)
  const lanes = Number(c ?? 2)
  const ex = bench()
  const job = fnJob(0, 'noop')
  await drive(ex, lanes * batch * 4, lanes, batch, (inst) => ({...job, inst})) // warm-up: worker start
  for (let k = 0; k < 3; k++) {
    const perSecond = await drive(ex, total, lanes, batch, (inst) => ({...job, inst}))
    console.log(`fn: ${total} no-op jobs, batches of ${batch}, ${lanes} lanes, warm workers: ${Math.round(perSecond)} jobs/s`)
  }
  await ex.executor.close()
} else if (what === 'cmd') {
  const total = Number(a ?? 5000)
  const concurrency = Number(b ?? 8)
  const slots = Number(c ?? 4)
  const ex = bench({cmdSlotsPerWorker: slots})
  const job = cmdJob(0, {argv: ['true']})
  await drive(ex, concurrency * 4, concurrency, 1, (inst) => ({...job, inst}))
  for (let k = 0; k < 3; k++) {
    const perSecond = await drive(ex, total, concurrency, 1, (inst) => ({...job, inst}))
    console.log(`cmd: ${total} \`true\` jobs, ${concurrency} at a time, ${slots} per worker, warm workers: ${Math.round(perSecond)} jobs/s`)
  }
  await ex.executor.close()
} else {
  console.log('ipc round trip', await measureIpcRoundTrip(2000))
  for (const conc of [1, 2, 4, 8]) console.log(`spawn loop, concurrency ${conc}`, await measureSpawnLoop(1000, conc))
}
