// A terminal that draws nowhere: lets the Ink renderer run at full cost in a benchmark.
import {Writable} from 'node:stream'

export class FakeTerminal extends Writable {
  readonly rows = 30
  readonly columns = 120

  /** isTTY false: a pipe or file, where rayts writes plain lines */
  constructor(readonly isTTY = true) {
    super()
  }

  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    callback()
  }
}
