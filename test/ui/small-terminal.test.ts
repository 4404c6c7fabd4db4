// The live UI in short terminals (tmux): results and finished lines are never erased,
// whatever the terminal's size, the last line ends with a newline, and the first frame
// comes at once, not after the workers have started.
import test from 'ava'
import {Tmux, hasTmux, lines} from './tmux.js'

const tmuxTest = hasTmux ? test.serial : test.skip

tmuxTest('120x8: the result line of arrays.yaml stays in the scrollback; the shell prompt starts on a line of its own', async (t) => {
  t.timeout(300_000)
  const term = new Tmux(120, 8)
  try {
    term.run('./bin/dev.js run graphs/arrays.yaml')
    await term.waitFor(/^EXIT=\d+/m, 280_000)
    const all = term.history()
    t.regex(all, /^EXIT=0$/m, 'EXIT=0 on a line of its own: the UI ended its last line')
    t.is(lines(all, /^✓ id3 \(\d+\.\d{3} s\): Float64Array\(20\) \[ /).length, 1, all)
    t.regex(all, /run \S+ succeeded: 3 succeeded in [\d.]+ s/)
    t.regex(all, /^rayts timeline \S+ -o trace\.json$/m)
    t.is(lines(all, /^pending \d+ ·/).length, 1, 'one final frame')
  } finally {
    term.kill()
  }
})

tmuxTest('60x10 with 50 tasks running at once: every finished line stays, once; no frame taller than the terminal', async (t) => {
  t.timeout(300_000)
  const rows = 10
  const term = new Tmux(60, rows)
  try {
    term.run('./bin/dev.js run test/ui/fixtures/fifty.yaml')
    const seen: string[] = []
    await term.waitFor(/^EXIT=\d+/m, 280_000, seen)
    const all = term.history()
    t.regex(all, /^EXIT=0$/m)
    for (let i = 0; i < 50; i++) t.is(lines(all, new RegExp(`^✓ naps\\[${i}\\] \\(\\d+\\.\\d{3} s\\):`)).length, 1, `naps[${i}]`)
    t.is(lines(all, /attempt \d/).length, 0, 'no running rows remain')
    t.regex(all, /run \S+ succeeded: 50 succeeded/)
    for (const s of seen.filter((x) => /attempt 1/.test(x))) t.regex(s, /^rayts fifty/m, 'the live region never outgrew the screen')
  } finally {
    term.kill()
  }
})

tmuxTest('the first frame comes before the workers start, and frames go on while 40 of them start', async (t) => {
  t.timeout(400_000)
  const term = new Tmux(100, 30)
  try {
    term.run('./bin/dev.js run test/ui/fixtures/forty.yaml --num-cpus 2 > /dev/null')
    const seen: {at: number; screen: string}[] = []
    const t0 = Date.now()
    for (;;) {
      const screen = term.screen()
      seen.push({at: Date.now() - t0, screen})
      if (/^EXIT=\d+/m.test(screen)) break
      if (Date.now() - t0 > 380_000) throw new Error(`no end:\n${screen}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const header = seen.find((s) => /^rayts forty {2}run \S+/m.test(s.screen))
    const result = seen.find((s) => /^✓ naps\[/m.test(s.screen))
    t.truthy(header, 'the header was shown')
    t.truthy(result, 'results were shown')
    // every task sleeps 2 s once its worker is up: the header must come well before
    t.true(header!.at < result!.at - 1500, `header at ${header!.at} ms, first result at ${result!.at} ms`)
    // (that the first frame is drawn at run start, before any worker exists, is checked on a
    // fake terminal in ink-sink.test.tsx: here a poll could come after the first fork)
    // and the UI kept drawing while the workers started: the elapsed time moved on
    const before = seen.filter((s) => s.at < result!.at).map((s) => /^rayts forty {2}run \S+ {2}([\d.]+) s/m.exec(s.screen)?.[1])
    t.true(new Set(before.filter(Boolean)).size >= 3, `elapsed times shown before the first result: ${[...new Set(before)].join(', ')}`)
  } finally {
    term.kill()
  }
})
