// A mistake of the user's (a flag, an argument, a run id): the CLI prints its message alone,
// with exit code 2; the library throws it as it is.
export class UsageError extends Error {
  override name = 'UsageError'
}
