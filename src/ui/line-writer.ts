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

  /** flush, then settle when the stream has taken everything written so far */
  async drain(): Promise<void> {
    this.flush()
    await new Promise<void>((resolve) => {
      if (!this.stream.write('', () => resolve())) this.stream.once('drain', () => resolve())
    })
  }
}
