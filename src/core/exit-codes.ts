// The exit codes of `rayts run` (docs/limits.md lists them for users). An error ends a
// command with the exit code its code maps to, in the table of core/errors.ts.
export const ExitCode = {
  Ok: 0,
  /** a task failed for good; for a command that runs none, its work failed (timeline: the file could not be written) */
  TaskFailed: 1,
  Usage: 2,
  Timeout: 3,
  /** the run ended but its results could not be written to the store (disk full) */
  NotRecorded: 4,
  Interrupted: 130,
  /** a rayts bug: the command stopped with work it could no longer finish (cli/unsettled.ts) */
  Internal: 70,
} as const
