// `rayts run` in a real terminal (tmux at a fixed size) and with --json on a pipe.
import test from 'ava'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Tmux, hasTmux, lines, root} from './tmux.js'


;(hasTmux ? test.serial : test.skip)('live UI in a 100x30 terminal: progress bar, running rows, results, summary; only the final frame remains', async (t) => {
  t.timeout(180_000)
  const term = new Tmux(100, 30)
  try {
    term.run('./bin/dev.js run graphs/arrays-wait.yaml')
    const live = await term.waitFor(/attempt 1\/\d+ {2}pid \d+/, 90_000)
    t.regex(live, /rayts arrays-wait {2}run \S+ {2}[\d.]+ s {2}cpu [\d.]+\/\d+/)
    t.regex(live, /[█░]{10,} \d+\/10 \d+%/)
    t.regex(live, /pending \d+ · running \d+ · succeeded \d+ · failed 0 · retrying 0 · skipped 0/)
    t.regex(live, /^workers \d+/m)
    const end = await term.waitFor(/EXIT=\d+/, 120_000)
    t.regex(end, /EXIT=0/)
    // whole arrays take many lines: the first results may have scrolled off the screen
    const scrolled = term.history()
    for (let i = 0; i < 5; i++) t.regex(scrolled, new RegExp(`✓ add\\[${i}\\] \\(\\d+\\.\\d{3} s\\): Float64Array\\(${i * 10}\\) \\[`))
    t.regex(end, /██████████ 10\/10 100%/)
    t.regex(end, /run \S+ succeeded: 10 succeeded in [\d.]+ s/)
    t.regex(end, /slowest: /)
    t.regex(end, /rayts status \S+\nrayts timeline \S+ -o trace\.json/)
    const all = term.history()
    t.is(lines(all, /^pending \d+ ·/).length, 1, 'one frame of the live region remains')
    t.is(lines(all, /attempt \d/).length, 0, 'no running rows remain')
    t.is(lines(all, /✓ add\[2\]/).length, 1, 'each static line once')
  } finally {
    term.kill()
  }
})

;(hasTmux ? test.serial : test.skip)('50 running tasks in a 100x20 terminal: rows never exceed its height', async (t) => {
  t.timeout(180_000)
  const rows = 20
  const term = new Tmux(100, rows)
  try {
    term.run('./bin/dev.js run test/ui/fixtures/fifty.yaml > /dev/null')
    const seen: string[] = []
    await term.waitFor(/EXIT=\d+/, 150_000, seen)
    const running = seen.filter((s) => /attempt 1\/\d+/.test(s))
    t.true(running.length > 0, 'saw running rows')
    t.true(running.some((s) => /^\+\d+ more running$/m.test(s)), 'saw +N more running')
    for (const s of running) {
      // a live region taller than the terminal makes Ink clear the screen and lose the header
      t.regex(s, /^rayts fifty/m)
      t.true(lines(s, /attempt 1\//).length <= rows - 6, s)
    }
    const all = term.history()
    t.regex(all, /EXIT=0/)
    t.is(lines(all, /^pending \d+ ·/).length, 1, 'one frame of the live region remains')
    t.is(lines(all, /attempt \d/).length, 0)
    t.is(lines(all, /^✓ naps\[\d+\]/).length, 50, 'each result once, in the static list')
  } finally {
    term.kill()
  }
})

test.serial('rayts run --json: stdout is JSON lines only', async (t) => {
  t.timeout(120_000)
  const home = mkdtempSync(join(tmpdir(), 'rayts-ui-'))
  t.teardown(() => rmSync(home, {recursive: true, force: true}))
  const {stdout, code} = await new Promise<{stdout: string; code: number | null}>((resolve) => {
    const child = execFile('./bin/dev.js', ['run', 'graphs/arrays-wait.yaml', '--json', '--num-returns', '2'], {cwd: root, env: {...process.env, RAYTS_HOME: home}}, (_err, stdout) => resolve({stdout, code: child.exitCode}))
  })
  t.is(code, 0)
  const objs = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as {type: string; results?: {instance: string; value: number[]}[]})
  t.deepEqual(objs.map((o) => o.type), ['batch', 'batch', 'batch', 'summary'])
  const results = objs.flatMap((o) => o.results ?? [])
  t.deepEqual(results.map((r) => r.instance).sort(), ['add[0]', 'add[1]', 'add[2]', 'add[3]', 'add[4]'])
  t.true(results.every((r) => Array.isArray(r.value)))
})
