// A reader that goes away (`rayts run g.yaml 2>&1 | head`, then the pipeline killed): the
// next write to stdout or stderr fails with EPIPE. Without a listener that error is thrown
// from the stream and kills the run before it records its end (it shows as `lost`). Here it
// ends the run as cancelled, like SIGTERM.
//
// SIGPIPE is not listened to: Node ignores it, and a listener would catch the kernel's
// SIGPIPE for a write to ANY closed pipe or socket of this process, such as the IPC channel
// of a worker just killed at the end of a --fail-fast run, which then ended as interrupted
// (exit 130). The stream's own EPIPE error is what says that output is gone.

/**
 * Call `onBroken` with what happened (`stdout closed: EPIPE`) when a write to one of
 * `streams` fails. It may be called many times. The listeners stay for the life of the
 * process: later writes to a broken stream must fail quietly too.
 */
export function onBrokenOutput(streams: ReadonlyMap<NodeJS.WritableStream, string>, onBroken: (why: string) => void): void {
  for (const [stream, name] of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => onBroken(error.code === 'EPIPE' ? `${name} closed: EPIPE` : `${name}: ${error.code ?? error.message}`))
  }
}
