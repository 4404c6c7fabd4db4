// `rayts wait --follow` measures each batch's elapsed time from the run's start (issue 21
// item 14): a wait begun after the tasks finished printed `elapsed 0.002 s` for all of them.
import test from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempCli} from './helpers.js'

test('wait --follow after the run ended: each batch at the time its task finished, from the run start', async (t) => {
  const {cli, base, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(base, 'w.yaml')
  writeFileSync(graph, 'version: 1\nname: w\ntasks:\n  a: { cmd: "echo a" }\n  b: { cmd: "sleep 1.2; echo b" }\noutputs: [a, b]\n')
  const run = await cli(['run', graph, '--num-cpus', '2'])
  t.is(run.exitCode, 0, String(run.stderr))
  const follow = await cli(['wait', 'last', '--follow', '-n', '1', '--json'])
  t.is(follow.exitCode, 0, String(follow.stderr))
  const batches = String(follow.stdout).trim().split('\n').map((l) => JSON.parse(l) as {elapsed: number; ready: string[]})
  t.deepEqual(batches.map((b) => b.ready), [['a'], ['b']])
  const status = JSON.parse(String((await cli(['status', 'last', '--json'])).stdout)) as {run: {durationMs: number}}
  t.true(batches[1]!.elapsed >= 1.2, `b ran 1.2 s after the run started, not ${batches[1]!.elapsed} s`)
  // the run's recorded start and the clock pair it measures from are taken a moment apart
  t.true(batches[1]!.elapsed <= status.run.durationMs / 1000 + 0.25, `${batches[1]!.elapsed} s, within the run's ${status.run.durationMs} ms`)
  t.true(batches[0]!.elapsed < batches[1]!.elapsed)
  const text = await cli(['wait', 'last', '--follow', '-n', '2'])
  t.regex(String(text.stdout), new RegExp(`^Returned 2 completed tasks \\(elapsed ${batches[1]!.elapsed.toFixed(3)} s\\)$`, 'm'))
})
