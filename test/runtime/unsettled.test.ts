// A command that stops with work it can no longer finish (the event loop empties while it
// waits) is a rayts bug (issue 21 item 2): one line saying so and exit 70, never Node's
// silent exit 13; a run in progress is still recorded (not `lost`) and leaves nothing in
// /dev/shm.
import test from 'ava'
import {execa} from 'execa'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ExitCode} from '../../src/core/exit-codes.js'
import {listRuns, openStore} from '../../src/store/index.js'
import {dropHotFolders} from '../setup/hot-folders.js'

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name)
const hotDirs = (runId: string): string[] => (existsSync('/dev/shm') ? readdirSync('/dev/shm').filter((d) => d.startsWith(`rayts-${runId}-`)) : [])

test('rayts run left waiting on an output that never drains: internal error, exit 70, the run recorded, /dev/shm clean', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  try {
    const result = await execa(process.execPath, ['--import', 'tsx', fixture('stuck-output.ts'), fixture('big-result.yaml')], {
      reject: false,
      timeout: 90_000,
      env: {RAYTS_HOME: home},
    })
    t.is(result.exitCode, ExitCode.Internal, result.stderr)
    t.regex(result.stderr, /^rayts: internal error: rayts run stopped with its work unfinished .*, please report$/m)
    t.notRegex(result.stderr, /\n\s+at /)
    const store = openStore(home)
    try {
      const runs = listRuns(store)
      t.deepEqual(runs.map((r) => r.state), ['succeeded'])
      t.deepEqual(hotDirs(runs[0]!.id), [], 'nothing left in /dev/shm')
      t.is(readdirSync(join(home, 'blobs', runs[0]!.id, 'objects')).length, 1, 'the result is kept')
    } finally {
      store.close()
    }
  } finally {
    dropHotFolders(home)
    rmSync(home, {recursive: true, force: true})
  }
})
