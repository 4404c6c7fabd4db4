// The exit codes of SPEC section 2.
export const ExitCode = {
  Ok: 0,
  TaskFailed: 1,
  Usage: 2,
  Timeout: 3,
  Interrupted: 130,
} as const
