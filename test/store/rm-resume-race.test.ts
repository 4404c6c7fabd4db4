// `rayts rm` racing `rayts run --resume` of the same run (issue 21 item 4): exactly one side
// wins, in one store transaction; the loser refuses with exit 2, and nothing is left half
// removed (a run back in the list whose objects are gone).
import test from 'ava'
import {join} from 'node:path'
import {getRun, loadValue, newRunId, openStore, prepareResume, recordRun, UsageError} from '../../src/store/index.js'
import {removeRuns} from '../../src/store/upkeep/remove.js'
import {tempCli} from '../cli/helpers.js'
import {instancesOf, META, SyntheticRun, tempHome} from './helpers.js'

function failedRun(home: string): string {
  const store = openStore(home)
  try {
    const run = new SyntheticRun(newRunId(), instancesOf({a: null, b: null}), ['b'])
    recordRun(store, run.events, META)
    run.start()
    run.succeed('a', 'A')
    run.fail('b', {kind: 'error', name: 'Error', message: 'no'})
    run.end('failed')
    return run.runId
  } finally {
    store.close()
  }
}

test('a resume claims the run in the transaction that checks it: a racing rm refuses (exit 2 message), and the run is as it was once the resume gives up', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const id = failedRun(home)
  const resumer = openStore(home)
  const remover = openStore(home)
  t.teardown(() => {
    resumer.close()
    remover.close()
  })
  const prepared = prepareResume(resumer, id)
  t.is(getRun(remover, id)!.state, 'submitted')
  t.is(getRun(remover, id)!.pid, process.pid)
  t.throws(() => removeRuns(remover, [id]), {instanceOf: UsageError, message: `run ${id} is submitted: stop it first (rayts cancel ${id}), then remove it`})
  t.is(loadValue(remover, id, 'a'), 'A', 'nothing of it removed')
  prepared.release()
  t.is(getRun(remover, id)!.state, 'failed')
  t.deepEqual(removeRuns(remover, [id]).map((r) => r.id), [id])
})

test('rm first: a resume of the removed run refuses; rm of several runs removes none when one is active', (t) => {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const store = openStore(home)
  t.teardown(() => store.close())
  const gone = failedRun(home)
  removeRuns(store, [gone])
  t.throws(() => prepareResume(store, gone), {instanceOf: UsageError, message: /no run/})
  t.is(getRun(store, gone), null)
  const one = failedRun(home)
  const two = failedRun(home)
  const prepared = prepareResume(store, two)
  t.throws(() => removeRuns(store, [one, two]), {instanceOf: UsageError})
  t.not(getRun(store, one), null, 'all or nothing')
  prepared.release()
})

test('rayts rm and rayts run --resume started together: one wins, the other exits 2, and the run is whole or gone', async (t) => {
  t.timeout(110_000)
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const graph = join(import.meta.dirname, 'fixtures', 'resumable.yaml')
  // rm a little after the resume started, at once, and before it (a negative delay)
  for (const delay of [300, 0, -300]) {
    const first = await cli(['run', graph, '--num-cpus', '2'])
    t.is(first.exitCode, 1, String(first.stderr))
    const runId = /run (\S+) failed/.exec(String(first.stderr))![1]!
    // not a timer race: whichever order they meet in, the end must be consistent
    const pause = () => new Promise((r) => setTimeout(r, Math.abs(delay)))
    const rmLater = delay < 0 ? cli(['rm', runId]) : null
    if (delay < 0) await pause()
    const resume = cli(['run', '--resume', runId], {RESUMABLE_OK: '1'})
    if (delay > 0) await pause()
    const rm = await (rmLater ?? cli(['rm', runId]))
    const resumed = await resume
    const codes = [resumed.exitCode, rm.exitCode]
    t.true(
      (codes[0] === 0 && codes[1] === 2) || (codes[0] === 2 && codes[1] === 0),
      `resume ${resumed.exitCode}: ${String(resumed.stderr).slice(-400)}\nrm ${rm.exitCode}: ${rm.stdout}${rm.stderr}`,
    )
    t.log(`delay ${delay} ms: ${rm.exitCode === 0 ? 'rm' : 'the resume'} won`)
    const listed = JSON.parse(String((await cli(['list', '--json'])).stdout)) as {id: string; state: string}[]
    const row = listed.find((r) => r.id === runId)
    if (rm.exitCode === 0) {
      t.regex(String(rm.stdout), /removed/)
      t.regex(String(resumed.stderr), new RegExp(`no run ${runId}`))
      t.is(row, undefined, 'removed, and not back in the list')
    } else {
      t.regex(String(rm.stderr), new RegExp(`run ${runId} is (submitted|running): stop it first`))
      t.is(row?.state, 'succeeded')
      const got = await cli(['get', runId, 'big[7]'])
      t.is(got.exitCode, 0, String(got.stderr))
      t.regex(String(got.stdout), /Float64Array\(20000\) \[\s*7, 7/)
    }
  }
})
