// Counts as the user sees them, on real runs: a dynamic fan-out's placeholder is not a task
// (run summary and status), and `wait --follow` says "1 completed task".
import test from 'ava'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {raytsIn} from './cli.js'

const home = mkdtempSync(join(tmpdir(), 'rayts-counts-'))
test.after.always(() => rmSync(home, {recursive: true, force: true}))

const rayts = raytsIn(home)

test.serial('dynamic.yaml: listing, its n shouts and all succeeded, in the run summary and in status (the fan-out placeholder is not a task)', (t) => {
  t.timeout(300_000)
  const run = rayts('run', 'graphs/dynamic.yaml')
  t.is(run.status, 0, run.stderr)
  // listing returns 2 to 4 words at random: one shout each
  const shouts = run.stderr.split('\n').filter((l) => /^✓ shout\[\d\] /.test(l)).length
  t.true(shouts >= 2 && shouts <= 4, run.stderr)
  const tasks = 2 + shouts
  t.regex(run.stderr, new RegExp(`run \\S+ succeeded: ${tasks} succeeded in`))
  t.notRegex(run.stderr, /^✓ shout /m, 'no line for the placeholder')
  const status = rayts('status', 'last')
  t.is(status.status, 0, status.stderr)
  t.regex(status.stdout, new RegExp(`^${tasks} succeeded$`, 'm'))
  t.notRegex(status.stdout, /^shout /m, 'no placeholder row')
  t.regex(status.stdout, /^shout\[0\] /m)
  const json = JSON.parse(rayts('status', 'last', '--json').stdout) as {counts: Record<string, number>; instances: {instance: string}[]}
  t.deepEqual(json.counts, {succeeded: tasks})
  t.deepEqual(json.instances.map((i) => i.instance).sort(), ['all', 'listing', ...Array.from({length: shouts}, (_, i) => `shout[${i}]`)])
})

test.serial('wait --follow: "Returned 1 completed task", singular', (t) => {
  t.timeout(300_000)
  const wait = rayts('wait', 'graphs/arrays-wait.yaml', '--num-returns', '1', '--follow')
  t.is(wait.status, 0, wait.stderr)
  const heads = wait.stdout.split('\n').filter((l) => l.startsWith('Returned'))
  t.is(heads.length, 5, wait.stdout)
  for (const h of heads) t.regex(h, /^Returned 1 completed task \(elapsed \d+\.\d{3} s\)$/)
  t.regex(wait.stdout, /^add\[4\] = Float64Array\(40\) \[ /m)
})
