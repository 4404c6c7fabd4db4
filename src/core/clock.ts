// Monotonic microseconds. process.hrtime reads CLOCK_MONOTONIC, which is shared by every
// process of the machine, so a worker's timestamps line up with the scheduler's.
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n)
}
