// A FIFO planted in a run's object folder (issue 21 item 19): reading it as an object, or
// settling the folder (what `rayts list` does for a dead runner's folder), is an ObjectError
// naming the file, at once; before, the open waited for a writer forever. Each case runs in
// a child process with a time limit, so that a hang fails the test instead of blocking it.
import test from 'ava'
import {execa} from 'execa'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const CHILD = join(import.meta.dirname, 'fixtures', 'fifo-child.ts')

function folder(t: {teardown(f: () => void): void}): {dir: string; spill: string} {
  const base = mkdtempSync(join(tmpdir(), 'rayts-fifo-'))
  t.teardown(() => rmSync(base, {recursive: true, force: true}))
  const dir = join(base, 'hot')
  const spill = join(base, 'spill')
  mkdirSync(dir, {mode: 0o700})
  mkdirSync(spill, {mode: 0o700})
  execFileSync('mkfifo', ['-m', '600', join(dir, 'fifo-1')])
  writeFileSync(join(dir, 'file-1'), 'kept', {mode: 0o600})
  return {dir, spill}
}

async function child(...args: string[]): Promise<{ok: boolean; name?: string; message?: string; told?: string[]}> {
  const r = await execa('node', ['--import', 'tsx', CHILD, ...args], {reject: false, timeout: 20_000, cwd: join(import.meta.dirname, '..', '..')})
  if (r.timedOut) throw new Error(`${args[0]} of a FIFO hung (killed after 20 s)`)
  return JSON.parse(String(r.stdout)) as {ok: boolean; name?: string; message?: string; told?: string[]}
}

test('reading a FIFO as an object: an ObjectError that names the file, not a hang', async (t) => {
  const {dir} = folder(t)
  const out = await child('read', dir, '')
  t.false(out.ok)
  t.is(out.name, 'ObjectError')
  t.is(out.message, `object fifo-1 of run run-fifo-1 is not a file (${join(dir, 'fifo-1')}): refused`)
})

test('settling a folder with a FIFO among the kept objects: the real ones are kept, the FIFO is named as not kept', async (t) => {
  const {dir, spill} = folder(t)
  const out = await child('settle', dir, spill)
  t.false(out.ok)
  t.deepEqual(out.told, ['fifo-1'])
  t.regex(out.message!, /^run run-fifo-1: its objects could not be kept in .*: object fifo-1 of run run-fifo-1 is not a file \(.*fifo-1\): refused$/)
  t.deepEqual(readdirSync(spill), ['file-1'])
})
