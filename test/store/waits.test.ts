// Why an instance waits, in `rayts status` and the dashboard's instance detail: a real run
// built to wait on each (inputs, a CPU slot, a gpu slot, a retry's backoff), and recorded
// runs for a worker starting, a busy worker and a cluster's queue.
import test from 'ava'
import {spawn, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {newRunId, openStore, recordRun, waitReasons} from '../../src/store/index.js'
import {instanceDetail} from '../../src/dashboard/queries.js'
import {until} from '../helpers/poll.js'
import {instancesOf, META, SyntheticRun, tempHome} from './helpers.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface StatusJson {
  run: {id: string; state: string}
  instances: {instance: string; state: string; waitsFor?: {kind: string; text: string}}[]
}

test.serial('a run built to wait on each: status names the inputs still running, the slot, the backoff; the dashboard says the same', async (t) => {
  t.timeout(120_000)
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  const go = join(home, '..', 'go')
  const env = {...process.env, RAYTS_HOME: home, WAITS_GO: go, CI: '1', NO_COLOR: '1'}
  const run = spawn(process.execPath, [join(root, 'bin/run.js'), 'run', 'test/store/fixtures/waits/waits.yaml', '--num-cpus', '2', '--resources', 'gpu=1'], {cwd: root, env, stdio: 'ignore'})
  const ended = new Promise<number | null>((resolve) => run.on('close', (code) => resolve(code)))
  try {
    let status: StatusJson | undefined
    const waits = (name: string): string | undefined => status?.instances.find((i) => i.instance === name)?.waitsFor?.text
    await until('every instance to wait as built', () => {
      const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'status', 'last', '--json'], {cwd: root, env, encoding: 'utf8'})
      if (r.status !== 0) return false
      status = JSON.parse(r.stdout) as StatusJson
      return waits('child') !== undefined && waits('flaky') !== undefined && waits('cpuwait') !== undefined && waits('gpuwait') !== undefined && /running/.test(waits('child')!)
    }, 60_000)
    t.is(waits('child'), 'inputs: cpuhog (running), flaky (retrying)')
    t.is(waits('cpuwait'), 'a CPU slot (1.5 of 2 in use, it needs 1)')
    t.is(waits('gpuwait'), 'a gpu slot (1 of 1 in use, it needs 1)')
    t.is(waits('flaky'), "a retry's backoff (attempt 1 failed)")
    t.is(waits('cpuhog'), undefined, 'a running instance waits for nothing')
    t.deepEqual(status!.instances.find((i) => i.instance === 'child')!.waitsFor!.kind, 'inputs')

    const text = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'status', 'last'], {cwd: root, env, encoding: 'utf8'}).stdout
    t.regex(text, /^cpuwait\s+0\s+ready\s+-\s+-\s+waits for a CPU slot \(1\.5 of 2 in use, it needs 1\)$/m)

    const store = openStore(home)
    try {
      t.is(instanceDetail(store, status!.run.id, 'gpuwait')!.waitsFor, 'a gpu slot (1 of 1 in use, it needs 1)')
      t.is(instanceDetail(store, status!.run.id, 'cpuhog')!.waitsFor, null)
    } finally {
      store.close()
    }
  } finally {
    writeFileSync(go, '')
    run.kill('SIGINT') // flaky's retry is an hour away
    await ended
  }
})

function recorded(meta = META, workers = 0) {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  const run = new SyntheticRun(newRunId(), instancesOf({a: null}), ['a'])
  const rec = recordRun(store, run.events, meta)
  run.start()
  for (let k = 0; k < workers; k++) run.emit({type: 'worker-start', t: 1, pid: 9000 + k})
  run.emit({type: 'ready', t: 2, inst: 0})
  rec.flush()
  return {
    reason: () => waitReasons(store, run.runId, ['a']).get('a'),
    done: () => {
      rec.close()
      store.close()
      cleanup()
    },
  }
}

test('ready with its slots free: a worker starting while none is alive, then a worker; in a cluster run, the cluster\'s queue', (t) => {
  const none = recorded()
  t.teardown(none.done)
  t.deepEqual(none.reason(), {kind: 'worker-starting', text: 'a worker starting'})
  const busy = recorded(META, 1)
  t.teardown(busy.done)
  t.is(busy.reason()?.kind, 'worker')
  const cluster = recorded({...META, cluster: true})
  t.teardown(cluster.done)
  t.deepEqual(cluster.reason(), {kind: 'cluster-worker', text: 'a free worker of the cluster (queued in Redis)'})
})
