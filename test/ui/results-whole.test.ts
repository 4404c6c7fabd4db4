// Text results reach stdout whole, as they are (no quotes, no cut), in `rayts run > file`
// as in `rayts get`.
import test from 'ava'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {raytsIn} from './cli.js'

const home = mkdtempSync(join(tmpdir(), 'rayts-whole-'))
test.after.always(() => rmSync(home, {recursive: true, force: true}))

const rayts = raytsIn(home)

test.serial('run with stdout to a file: a cmd output of 40 lines and a 5,000-character line, whole; get prints the same text', (t) => {
  t.timeout(300_000)
  const run = rayts('run', 'test/ui/fixtures/text.yaml')
  t.is(run.status, 0, run.stderr)
  const seq = Array.from({length: 40}, (_, i) => String(i + 1)).join('\n')
  const long = '7'.padStart(5000, '0')
  t.regex(run.stdout, /^c \(\d+\.\d{3} s\):\n/m)
  t.true(run.stdout.includes(`):\n${seq}\n`), run.stdout)
  t.regex(run.stdout, /^long \(\d+\.\d{3} s\): 0{4999}7$/m)
  t.notRegex(run.stdout, /chars\)|…/)
  t.is(rayts('get', 'last', 'c').stdout, `${seq}\n`)
  t.is(rayts('get', 'last', 'long').stdout, `${long}\n`)
})
