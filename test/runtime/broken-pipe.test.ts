// Which failures of the output end a run (issue 21 item 11): a write to stdout or stderr
// that fails, named; never the kernel's SIGPIPE for a write to some other pipe (a killed
// worker's channel at the end of a --fail-fast run ended it as interrupted, exit 130).
import test from 'ava'
import {execa} from 'execa'
import {join} from 'node:path'
import {Writable} from 'node:stream'
import {onBrokenOutput} from '../../src/runtime/broken-pipe.js'

test('a SIGPIPE from a write to another closed pipe is not a broken output', async (t) => {
  const script = join(import.meta.dirname, 'fixtures', 'sigpipe-elsewhere.ts')
  const result = await execa(process.execPath, ['--import', 'tsx', script], {reject: false, timeout: 60_000})
  t.is(result.exitCode, 0, result.stderr)
  t.deepEqual(JSON.parse(result.stdout), [])
})

function failing(code: string): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error(`write ${code}`), {code}))
    },
  })
}

test('a failed write names the stream and the error', async (t) => {
  const seen: string[] = []
  const out = failing('EPIPE')
  const err = failing('EIO')
  onBrokenOutput(new Map([[out, 'stdout'], [err, 'stderr']]), (why) => seen.push(why))
  out.write('x')
  err.write('y')
  await new Promise((resolve) => setImmediate(resolve))
  t.deepEqual(seen, ['stdout closed: EPIPE', 'stderr: EIO'])
})
