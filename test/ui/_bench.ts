import {Writable} from 'node:stream'
import {compileGraphFile} from '../../src/graph/index.js'
import {createRun} from '../../src/runtime/run.js'
import {attachReporter} from '../../src/ui/index.js'

class Sink extends Writable {
  isTTY = true; rows = 30; columns = 120; bytes = 0
  override _write(c: Buffer, _e: BufferEncoding, cb: () => void) { this.bytes += c.length; cb() }
}
const mode = process.argv[2] as 'ink' | 'plain' | 'none'
const c = compileGraphFile('test/ui/fixtures/noop-10k.yaml', {set: []})
if (!c.ok) throw new Error('compile')
const h = createRun(c.graph, {runId: 'bench' + Date.now()})
const err = new Sink(); const out = new Sink(); out.isTTY = process.argv[3] === 'tty'
const r = mode === 'none' ? null : await attachReporter(h.events, {renderer: mode, color: true, stdout: out, stderr: err})
const t0 = performance.now()
h.start()
const s = await h.done
await r?.close()
const ms = performance.now() - t0
console.log(mode, process.argv[3] ?? '', `${(10000 / (s.elapsedMicros / 1e6)).toFixed(0)} tasks/s (run)`, `${(10000 / ms * 1000).toFixed(0)} tasks/s (wall)`, `stderr ${err.bytes} B`)
process.exit(0)
