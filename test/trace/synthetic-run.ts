// A hand-written, realistic event sequence: two workers (one batch, one crash, a fresh
// worker for the retry, a max_calls recycle), cmd attempts with process groups (one
// timeout, then a retry after a delay), a clock-noise overlap, an error that fails for
// good and a skipped dependent. Times are µs from T.
import type {InstanceInfo, RunEvent} from '../../src/core/events.js'

export const T = 1_000_000_000
export const WALL = 1_700_000_000_000

type Info = InstanceInfo & {deps?: readonly number[]}
const inst = (idx: number, name: string, task: string, index: number | null, deps: number[] = []): Info => ({idx, name, task, index, deps})

export const INSTANCES: readonly Info[] = [
  inst(0, 'make[0]', 'make', 0),
  inst(1, 'make[1]', 'make', 1),
  inst(2, 'flaky', 'flaky', null),
  inst(3, 'slow', 'slow', null),
  inst(4, 'echo', 'echo', null),
  inst(5, 'sum', 'sum', null, [0, 1, 2]),
  inst(6, 'report', 'report', null, [3, 5]),
  inst(7, 'bad', 'bad', null),
  inst(8, 'after_bad', 'after_bad', null, [7]),
]

/** instance → the instances it depends on */
export const EDGES: ReadonlyArray<readonly [number, number]> = INSTANCES.flatMap((i) => (i.deps ?? []).map((d) => [d, i.idx] as const))

export function syntheticRun(withDeps = true): RunEvent[] {
  const instances = withDeps ? INSTANCES : INSTANCES.map(({deps: _deps, ...rest}) => rest)
  const at = (dt: number) => T + dt
  return [
    {type: 'run-start', t: T, wallMs: WALL, runId: 'r-synthetic', graph: 'synthetic', file: '/tmp/synthetic.yaml', capacity: {cpu: 2}, instances, outputs: ['report']},
    ...[0, 1, 2, 3, 4, 7].map((i): RunEvent => ({type: 'ready', t: at(100), inst: i})),
    {type: 'worker-start', t: at(1000), pid: 101},
    {type: 'worker-start', t: at(1200), pid: 102},
    // a batch of two on worker 101
    {type: 'start', t: at(2000), inst: 0, attempt: 1, pid: 101},
    {type: 'start', t: at(2000), inst: 1, attempt: 1, pid: 101},
    {type: 'start', t: at(2100), inst: 2, attempt: 1, pid: 102},
    {type: 'start', t: at(2200), inst: 3, attempt: 1, pid: null},
    {type: 'process-group', t: at(2300), inst: 3, attempt: 1, pgid: 201, alive: true},
    {type: 'start', t: at(2250), inst: 4, attempt: 1, pid: null},
    {type: 'process-group', t: at(2350), inst: 4, attempt: 1, pgid: 203, alive: true},
    {type: 'log', t: at(3000), inst: 4, attempt: 1, stream: 'stdout', text: 'hi\n'},
    {type: 'succeeded', t: at(8000), inst: 4, attempt: 1, pid: 203, startedAt: at(2350), value: 'hi'},
    {type: 'process-group', t: at(8000), inst: 4, attempt: 1, pgid: 203, alive: false},
    {type: 'succeeded', t: at(12000), inst: 0, attempt: 1, pid: 101, startedAt: at(2050), value: [1, 2]},
    // clock noise: the second job of the batch "began" 3 µs before the first ended
    {type: 'succeeded', t: at(20000), inst: 1, attempt: 1, pid: 101, startedAt: at(11997), value: [3, 4]},
    {
      type: 'attempt-failed',
      t: at(15000),
      inst: 2,
      attempt: 1,
      pid: 102,
      startedAt: at(2150),
      error: {kind: 'crash', name: 'CrashError', message: 'worker 102 died (SIGKILL)', signal: 'SIGKILL'},
      retryAt: at(15000),
    },
    {type: 'worker-exit', t: at(15001), pid: 102, reason: 'crash', calls: 1},
    {type: 'worker-start', t: at(16000), pid: 103},
    {type: 'start', t: at(16500), inst: 2, attempt: 2, pid: 103},
    {type: 'succeeded', t: at(30000), inst: 2, attempt: 2, pid: 103, startedAt: at(16600), value: 7},
    {type: 'ready', t: at(30010), inst: 5},
    {type: 'start', t: at(30050), inst: 7, attempt: 1, pid: 103},
    {type: 'start', t: at(30100), inst: 5, attempt: 1, pid: 101},
    {
      type: 'attempt-failed',
      t: at(31000),
      inst: 7,
      attempt: 1,
      pid: 103,
      startedAt: at(30060),
      error: {kind: 'error', name: 'ValueError', message: 'bad input', stack: 'ValueError: bad input\n    at bad'},
      retryAt: null,
    },
    {type: 'failed', t: at(31001), inst: 7, error: {kind: 'error', name: 'ValueError', message: 'bad input'}},
    {type: 'skipped', t: at(31002), inst: 8, because: 7},
    {type: 'succeeded', t: at(35000), inst: 5, attempt: 1, pid: 101, startedAt: at(30150), value: 17},
    {type: 'worker-exit', t: at(35100), pid: 101, reason: 'max_calls', calls: 3},
    {
      type: 'attempt-failed',
      t: at(52300),
      inst: 3,
      attempt: 1,
      pid: 201,
      startedAt: at(2300),
      error: {kind: 'timeout', name: 'TimeoutError', message: 'timed out after 50ms'},
      retryAt: at(62300),
    },
    {type: 'process-group', t: at(52400), inst: 3, attempt: 1, pgid: 201, alive: false},
    {type: 'ready', t: at(62300), inst: 3},
    {type: 'start', t: at(62400), inst: 3, attempt: 2, pid: null},
    {type: 'process-group', t: at(62500), inst: 3, attempt: 2, pgid: 205, alive: true},
    {type: 'succeeded', t: at(70000), inst: 3, attempt: 2, pid: 205, startedAt: at(62500), value: 'done'},
    {type: 'ready', t: at(70010), inst: 6},
    {type: 'start', t: at(70100), inst: 6, attempt: 1, pid: null},
    {type: 'process-group', t: at(70200), inst: 6, attempt: 1, pgid: 206, alive: true},
    {type: 'succeeded', t: at(75000), inst: 6, attempt: 1, pid: 206, startedAt: at(70200), value: 'ok'},
    {type: 'worker-exit', t: at(76000), pid: 103, reason: 'shutdown', calls: 2},
    {type: 'run-end', t: at(76100), state: 'failed'},
  ]
}
