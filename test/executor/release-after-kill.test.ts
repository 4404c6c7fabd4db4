// A worker released after it was killed (its last batch's reply read after close() killed
// it) must still keep the runner alive until its exit is seen: an unref'd worker let the
// event loop empty before SIGCHLD was read, and a Ctrl-C'd `rayts run` exited 13 (Node's
// "unsettled top-level await") with close() still waiting for that exit.
import test from 'ava'
import {execa} from 'execa'
import {join} from 'node:path'

test('a worker killed, then released, is waited for: its exit is seen', async (t) => {
  const script = join(import.meta.dirname, 'fixtures', 'release-after-kill.ts')
  const result = await execa(process.execPath, ['--import', 'tsx', script], {reject: false, timeout: 60_000})
  t.is(result.exitCode, 0, result.stderr)
  t.is(result.stdout.trim(), 'SIGKILL 0')
})
