// Durations, defined once. An attempt's duration runs from when it really began running
// (the `startedAt` of its `succeeded` / `attempt-failed` event: after any wait for a worker
// to start and import its module, or for earlier jobs of a worker's batch) to its end (that
// event's `t`). The live UI, the plain and JSON reporters, `rayts status` (and its --json)
// and the timeline's attempt spans all use it, so they agree.

/** micros an attempt ran: from `startedAt` to its end event, never negative */
export function attemptMicros(a: {readonly startedAt: number; readonly endedAt: number}): number {
  return Math.max(0, a.endedAt - a.startedAt)
}
