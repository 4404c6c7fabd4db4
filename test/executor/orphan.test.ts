// kill -9 of the runner while an fn task spins (issue 12 item 3): the worker, whose event
// loop never sees the closed channel, must still die with its runner; so must the process
// group of a command running beside it.
import test from 'ava'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {until} from '../helpers/poll.js'
import {alive, eventually, fixture, liveGroupMembers} from './helpers.js'

test.serial('kill -9 of the runner while an fn task spins: no worker, no command left after 2 s', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-orphan-'))
  const mark = join(dir, 'spinning')
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('spin-parent.ts'), mark], {stdio: ['ignore', 'pipe', 'inherit']})
  let worker = 0
  let pgid = 0
  child.stdout.setEncoding('utf8')
  let out = ''
  child.stdout.on('data', (chunk: string) => (out += chunk))
  try {
    // the worker writes its pid into the mark once it spins; the parent prints the group
    const pidWritten = () => existsSync(mark) && Number(readFileSync(mark, 'utf8')) > 0
    await until('the task to spin', () => child.exitCode !== null || (pidWritten() && out.includes('\n')), 60_000)
    worker = Number(readFileSync(mark, 'utf8'))
    pgid = (JSON.parse(out.split('\n')[0]!) as {pgid: number}).pgid
    t.true(worker > 0, 'the task never started')
    t.true(alive(worker), 'the worker runs the task')
    // the group is announced when the shell starts, before it has forked its children
    await until('the command and its grandchild to run', () => liveGroupMembers(pgid).length >= 2, 30_000)
    child.kill('SIGKILL')
    await eventually(() => !alive(worker) && liveGroupMembers(pgid).length === 0, 2000)
    t.false(alive(worker), `worker ${worker} is still alive 2 s after its runner died`)
    t.deepEqual(liveGroupMembers(pgid), [], `group ${pgid} is still alive 2 s after its runner died`)
  } finally {
    child.kill('SIGKILL')
    if (worker && alive(worker)) process.kill(worker, 'SIGKILL')
    if (pgid) for (const pid of liveGroupMembers(pgid)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }
})
