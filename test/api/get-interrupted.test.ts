// Ctrl-C while a program waits in ray.get (issue 21 item 9): the program dies of SIGINT (a
// shell shows 130), as docs/api.md says and as it does waiting in ray.wait, instead of
// exiting 1 with an uncaught TaskCancelledError. The run is recorded as cancelled.
import test from 'ava'
import {execa} from 'execa'
import {join} from 'node:path'
import {getRun, openStore} from '../../src/store/index.js'

for (const mode of ['one ref', 'list']) {
  test.serial(`SIGINT during ray.get (${mode}): the program dies of SIGINT, no TaskCancelledError`, async (t) => {
    const script = join(import.meta.dirname, 'fixtures', 'get-interrupted.ts')
    const child = execa(process.execPath, ['--import', 'tsx', script, mode === 'list' ? 'list' : 'one'], {reject: false, timeout: 90_000, buffer: {stdout: false}})
    const runId = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(String(d).trim())))
    child.kill('SIGINT')
    const ended = await child
    t.is(ended.signal, 'SIGINT', `exit ${ended.exitCode}: ${ended.stderr}`)
    t.notRegex(String(ended.stderr), /TaskCancelledError|\n\s+at /)
    const store = openStore()
    try {
      t.is(getRun(store, runId)?.state, 'cancelled')
    } finally {
      store.close()
    }
  })
}
