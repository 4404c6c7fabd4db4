// A mistake of the user's (a flag, an argument, a run id): the CLI prints its message alone,
// with exit code 2; the library throws it as it is.
import {RaytsError} from './errors.js'

export class UsageError extends RaytsError {
  override name = 'UsageError'
  override readonly code = 'RAYTS_ERR_USAGE'
}
