// Time from spawn to the live UI's first bytes and first full frame, on a pseudo-terminal
// (util-linux `script`), beside `node -e 0` on the same pty: medians of N.
//   node scripts/first-frame.mjs GRAPH [N] [BIN]   (BIN default: bin/run.js)
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const [graph, runs = '5', bin = 'bin/run.js'] = process.argv.slice(2)
if (!graph) throw new Error('usage: node scripts/first-frame.mjs GRAPH [N] [BIN]')
const home = mkdtempSync(join(tmpdir(), 'rayts-first-frame-'))
const env = {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', TERM: 'xterm-256color', COLUMNS: '100', LINES: '30'}
delete env.CI
delete env.CONTINUOUS_INTEGRATION

/** ms from spawn to the first output, to the first frame (its header `run <id>`), to exit */
function once(command) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn('script', ['-qfec', command, '/dev/null'], {env, stdio: ['ignore', 'pipe', 'ignore']})
    let text = ''
    let first, frame
    child.stdout.on('data', (b) => {
      const now = performance.now() - t0
      first ??= now
      text += b.toString()
      if (frame === undefined && /run [0-9a-z]{12}/.test(text)) frame = now
    })
    child.on('close', () => resolve({first, frame, exit: performance.now() - t0}))
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const node = [], first = [], frame = [], exit = []
for (let i = 0; i < Number(runs); i++) {
  node.push((await once('node -e "process.stdout.write(String(1))"')).exit)
  const r = await once(`node ${bin} run ${graph}`)
  first.push(r.first)
  frame.push(r.frame ?? NaN)
  exit.push(r.exit)
}
rmSync(home, {recursive: true, force: true})
const m = median(node)
const f = (x) => `${Math.round(x)} ms (${(x / m).toFixed(2)}×)`
console.log(`node -e 0 on a pty ${Math.round(m)} ms; rayts run: first bytes ${f(median(first))}, first full frame ${f(median(frame))}, exit ${f(median(exit))}`)
