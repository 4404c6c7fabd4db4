// Run ids: short, sortable (time first, fixed width) and safe as file names.
import {randomBytes} from 'node:crypto'

const RUN_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i

export function newRunId(now: number = Date.now()): string {
  const time = now.toString(36).padStart(9, '0')
  const rand = [...randomBytes(4)].map((b) => (b % 36).toString(36)).join('')
  return time + rand
}

import {UsageError} from '../core/usage-error.js'

export {UsageError}

/** Throws a UsageError unless `id` is a plausible run id or `last`. */
export function checkRunRef(id: string): string {
  if (id === 'last' || RUN_ID.test(id)) return id
  throw new UsageError(
    `invalid run id ${JSON.stringify(id)}: a run id is letters, digits, '-' and '_' (or 'last')`,
  )
}
