// Not a test: the UI-on / UI-off throughput comparison of docs/ui.md. Runs the 10,000 no-op
// task fixture in-process with one renderer, stderr a fake 120x30 terminal, and prints
// tasks/s. Alternate renderers several times and compare medians (2 cores are noisy):
//   for i in 1 2 3 4 5 6; do for m in plain ink; do npx tsx benchmark/ui-renderers.ts $m; done; done
import {Writable} from 'node:stream'
import {compileGraphFile} from '../src/graph/index.js'
import {createRun} from '../src/runtime/run.js'
import {attachReporter, type Renderer} from '../src/ui/index.js'

class FakeTerminal extends Writable {
  isTTY = true
  rows = 30
  columns = 120
  bytes = 0
  override _write(c: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.bytes += c.length
    cb()
  }
}

const mode = (process.argv[2] ?? 'ink') as Renderer | 'none'
const compiled = compileGraphFile(new URL('../test/ui/fixtures/noop-10k.yaml', import.meta.url).pathname, {set: []})
if (!compiled.ok) throw new Error('the fixture does not compile')
const handle = createRun(compiled.graph, {runId: `bench-${Date.now()}`})
const err = new FakeTerminal()
const out = new FakeTerminal()
out.isTTY = false
const reporter = mode === 'none' ? null : await attachReporter(handle.events, {renderer: mode, color: true, stdout: out, stderr: err as unknown as NodeJS.WriteStream})
handle.start()
const summary = await handle.done
await reporter?.close()
console.log(`${mode} ${(10_000 / (summary.elapsedMicros / 1e6)).toFixed(0)} tasks/s`)
process.exit(0)
