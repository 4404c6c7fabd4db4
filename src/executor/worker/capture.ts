// Route what task code writes to process.stdout/stderr (console.log included) to a sink,
// so it travels over IPC with the job's results: no pipe can reorder it against them.
export type WriteSink = (fd: 'stdout' | 'stderr', text: string) => void

export function captureStdio(sink: WriteSink): void {
  patch(process.stdout, 'stdout', sink)
  patch(process.stderr, 'stderr', sink)
}

function patch(stream: NodeJS.WriteStream, fd: 'stdout' | 'stderr', sink: WriteSink): void {
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const text =
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    sink(fd, text)
    const cb = typeof encoding === 'function' ? encoding : callback
    if (typeof cb === 'function') process.nextTick(cb as () => void)
    return true
  }
  stream.write = write as NodeJS.WriteStream['write']
}
