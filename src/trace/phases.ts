// An fn attempt cut into its phases, as Ray cuts a task into task:deserialize_arguments,
// task:execute and task:store_outputs: reading its inputs (object-store values included),
// executing its function, writing its result (core/events.ts, AttemptPhases).
import type {Attempt} from './timeline-run.js'

export type PhaseName = 'read inputs' | 'execute' | 'write result'

export const PHASE_NAMES: readonly PhaseName[] = ['read inputs', 'execute', 'write result']

export interface Phase {
  readonly name: PhaseName
  /** monotonic micros, within the attempt's span */
  readonly start: number
  readonly end: number
}

/** the attempt's phases in order; none when they are not known (cmd tasks, cluster workers) */
export function phasesOf(a: Pick<Attempt, 'startedAt' | 'endedAt' | 'calledAt' | 'returnedAt'>): Phase[] {
  if (a.calledAt === null) return []
  const clamp = (t: number): number => Math.min(Math.max(t, a.startedAt), a.endedAt)
  const called = clamp(a.calledAt)
  const returned = clamp(a.returnedAt ?? a.endedAt)
  return [
    {name: 'read inputs', start: a.startedAt, end: called},
    {name: 'execute', start: called, end: returned},
    {name: 'write result', start: returned, end: a.endedAt},
  ]
}
