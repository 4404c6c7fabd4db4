// Lines to a stream, coalesced into one write per event-loop turn: a 10,000-task run makes
// ~10,000 lines, and one write per line costs more than the tasks.
export class LineWriter {
  private buf: string[] = []
  private scheduled = false

  constructor(private readonly stream: NodeJS.WritableStream) {}

  line(text: string): void {
    this.buf.push(text)
    if (this.buf.length >= 512) this.flush()
    else if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  flush(): void {
    this.scheduled = false
    if (this.buf.length === 0) return
    const text = this.buf.join('\n') + '\n'
    this.buf = []
    this.stream.write(text)
  }

  /**
   * flush, then settle when the stream has taken everything written so far, or when it can
   * take nothing more (a reader gone: `| head`), so that the end of a run never waits on it
   */
  async drain(): Promise<void> {
    this.flush()
    const stream = this.stream as NodeJS.WritableStream & {destroyed?: boolean}
    if (stream.destroyed) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done)
        stream.off('error', done)
        stream.off('close', done)
        resolve()
      }
      stream.once('error', done)
      stream.once('close', done)
      if (!stream.write('', done)) stream.once('drain', done)
    })
  }
}
