// What each renderer implements. attachReporter folds every event into the RunModel, turns
// output results into single results or batches, and hands both to the one chosen sink.
import type {ChalkInstance} from 'chalk'
import type {RunEvent} from '../core/events.js'
import type {Failure, RunModel} from './run-model.js'
import type {Batch, ResultItem} from './results-format.js'
import {formatError} from './results-format.js'
import type {SummaryData} from './summary.js'

export interface Sink {
  /** called after the model has folded `e` */
  event(e: RunEvent, model: RunModel): void
  result(r: ResultItem): void
  /** one line a task printed, `ID#ATTEMPT | ` and its text (on stderr, above a live region) */
  output(prefix: string, text: string): void
  batch(b: Batch): void
  /** `why`: what was taken (SIGINT, stdout closed: EPIPE, --fail-fast) */
  cancelling(why?: string): void
  /** print the summary, flush, release the terminal */
  close(summary: SummaryData): Promise<void>
}

/** `cancelling… (SIGINT)`: the line shown when a run is being cancelled */
export function cancellingText(why?: string | null): string {
  return why ? `cancelling… (${why})` : 'cancelling…'
}

/**
 * `✗ id3 ValueError: bad`, the stack, then the last log lines, unless they are on screen
 * already: printed live just above (`liveOutput`), or all within the error's message (a
 * command's stderr tail is part of its ExitError's).
 */
export function failureLines(f: Failure, c: ChalkInstance, liveOutput: boolean): string[] {
  // a message may hold any number of lines: the first on the ✗ line, the rest indented below
  // (a stack starts with the whole message: then the stack's lines say them)
  const [first, ...rest] = f.error.message.split('\n')
  const lines = [`${c.red('✗')} ${f.name} ${c.red(`${f.error.name}: ${first}`)}`]
  if (!f.error.stack) for (const l of rest) if (l.trim()) lines.push(c.dim(`    ${l}`))
  for (const l of formatError(f.error, '    ')) lines.push(c.dim(l))
  const said = new Set(f.error.message.split('\n'))
  if (f.logTail.length && !liveOutput && !f.logTail.every((l) => said.has(l))) {
    lines.push(c.dim(`  last ${f.logTail.length} log line${f.logTail.length === 1 ? '' : 's'}:`))
    for (const l of f.logTail) lines.push(c.dim(`  │ ${l}`))
  }
  return lines
}
