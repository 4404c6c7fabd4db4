// The sizes a run reads from the environment, read once before it starts: a value that is
// not a size is refused there (exit 2 on the command line), rather than ignored, or found
// by a worker halfway through the run.
import {logLimits} from '../format/log-limits.js'
import {readBudget} from '../store/upkeep/home-budget.js'
import {budgetFromEnv} from './session-objects.js'

/**
 * Throws a UsageError naming the first bad one of $RAYTS_LOG_ATTEMPT_MAX,
 * $RAYTS_LOG_RUN_MAX, $RAYTS_OBJECT_STORE_MEMORY and (with `homeBudget`, for the commands
 * that enforce it) $RAYTS_HOME_BUDGET.
 */
export function checkEnvSizes(env: NodeJS.ProcessEnv, o: {readonly homeBudget: boolean}): void {
  logLimits(env)
  budgetFromEnv(env)
  if (o.homeBudget) readBudget(env)
}
