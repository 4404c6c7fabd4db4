// The built CLI (bin/run.js: the esbuild bundle, Ink and React in their production builds)
// on a real terminal: `rayts: starting…` is shown while Ink loads and erased before the
// first frame, which starts at the first column; workers forked from dist run the tasks.
import test from 'ava'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {Tmux, hasTmux, lines, root} from './tmux.js'

const built = existsSync(join(root, 'dist/src/cli/main.js'))
const tmuxTest = hasTmux && built ? test.serial : test.skip

tmuxTest('built CLI: the starting line gives way to the first frame and leaves nothing behind', async (t) => {
  t.timeout(400_000)
  const term = new Tmux(100, 30)
  try {
    term.run('node bin/run.js run test/ui/fixtures/forty.yaml --num-cpus 2 > /dev/null')
    const seen: string[] = []
    await term.waitFor(/^EXIT=\d+/m, 380_000, seen)
    const all = term.history()
    t.regex(all, /^EXIT=0$/m, all)
    t.truthy(seen.find((s) => /^rayts forty {2}run \S+/m.test(s)), 'a frame with its header at the first column')
    t.is(lines(all, /starting…/).length, 0, 'the starting line was erased, not left above the frames')
    t.regex(all, /run \S+ succeeded: 40 succeeded in [\d.]+ s/)
  } finally {
    term.kill()
  }
})
