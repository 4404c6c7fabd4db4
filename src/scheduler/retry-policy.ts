// Whether a failed attempt is tried again, and after how long.
import type {TaskOptions} from '../graph/model.js'
import type {TaskFailure} from '../core/events.js'

export function shouldRetry(options: TaskOptions, error: TaskFailure, attempt: number): boolean {
  const retriesUsed = attempt - 1
  if (options.maxRetries !== -1 && retriesUsed >= options.maxRetries) return false
  switch (error.kind) {
    case 'crash':
    case 'timeout':
      return true
    case 'cancelled':
    case 'skipped':
      return false
    case 'error': {
      const policy = options.retryExceptions
      if (typeof policy === 'boolean') return policy
      if (policy.names.includes(error.name)) return true
      return error.exitCode !== undefined && policy.exitCodes.includes(error.exitCode)
    }
  }
}

/** seconds to wait before attempt `attempt + 1` */
export function retryDelaySeconds(options: TaskOptions, attempt: number): number {
  return options.retryDelay * options.backoff ** (attempt - 1)
}
