// Ctrl-C on `rayts run`: every process it started is gone within 2 s, exit 130.
import test from 'ava'
import {execa} from 'execa'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {eventually} from '../helpers/poll.js'
import {alive} from './helpers.js'

const root = join(import.meta.dirname, '..', '..')

/** every descendant of pid, from /proc */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(name))
      children.set(ppid, list)
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = []
  const stack = [pid]
  while (stack.length > 0) for (const c of children.get(stack.pop()!) ?? []) {
    out.push(c)
    stack.push(c)
  }
  return out
}


test.serial('SIGINT to rayts run with busy workers and commands: exit 130 within 2 s, no process left', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'rayts-home-'))
  const child = execa(join(root, 'bin', 'dev.js'), ['run', join(import.meta.dirname, 'fixtures', 'busy.yaml')], {
    cwd: root,
    reject: false,
    env: {RAYTS_HOME: home, CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  })
  // three sleeping fn workers, two commands with a grandchild each, one that ignores SIGTERM
  const started = await eventually(() => descendants(child.pid!).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('sleep')).length >= 5, 60_000)
  t.true(started, 'the commands never started')
  // the workers and command processes; not tsx's esbuild service, which belongs to the dev entry
  const tree = descendants(child.pid!).filter((p) => !readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('esbuild'))
  const sent = Date.now()
  child.kill('SIGINT')
  const gone = await eventually(() => alive(tree).length === 0, 4000)
  const took = Date.now() - sent
  const result = await child
  t.is(result.exitCode, 130, result.stderr)
  t.regex(result.stderr, /cancelling… \(SIGINT\)/)
  t.true(gone, `left behind: ${alive(tree).join(' ')}`)
  t.true(took < 2000, `the processes took ${took} ms to go`)
  t.notRegex(result.stderr, /\n\s+at /, 'no stack trace')
})
