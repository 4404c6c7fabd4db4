// A reader that goes away (`rayts run g.yaml 2>&1 | head`, then the pipeline killed): the
// next write to stdout or stderr fails with EPIPE. Node ignores SIGPIPE, so without a
// listener that error is thrown from the stream and kills the run before it records its
// end (it shows as `lost`). Here it ends the run as cancelled, like SIGTERM.

/**
 * Call `onBroken` when a write to one of `streams` fails, or at a SIGPIPE (sent by hand:
 * Node ignores the kernel's). It may be called many times. The listeners stay for the life
 * of the process: later writes to a broken stream must fail quietly too, and removing the
 * last SIGPIPE listener would stop Node ignoring the signal.
 */
export function onBrokenOutput(streams: readonly NodeJS.WritableStream[], onBroken: () => void): void {
  for (const stream of new Set(streams)) stream.on('error', () => onBroken())
  process.on('SIGPIPE', () => onBroken())
}
