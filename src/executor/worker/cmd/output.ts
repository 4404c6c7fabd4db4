// A command's stdout turned into its result, per the task's `output` mode.
import type {OutputMode} from '../../../graph/model.js'
import type {TaskFailure} from '../../../core/events.js'
import {MAX_VALUE_DEPTH, nestedDeeperThan, tooDeepMessage} from '../../../core/value-walk.js'

export const MAX_STDOUT_BYTES = 64 * 1024 * 1024

export type Parsed = {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly error: TaskFailure}

export function parseOutput(stdout: string, mode: OutputMode, name: string): Parsed {
  switch (mode) {
    case 'text':
      return {ok: true, value: trimNewline(stdout)}
    case 'lines': {
      const lines = stdout.split('\n')
      if (lines.at(-1) === '') lines.pop()
      return {ok: true, value: lines}
    }
    case 'json':
      try {
        const value: unknown = JSON.parse(stdout)
        if (nestedDeeperThan(value, MAX_VALUE_DEPTH)) return {ok: false, error: {kind: 'error', name: 'RangeError', message: tooDeepMessage(`the output of ${name}`)}}
        return {ok: true, value}
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        return {ok: false, error: {kind: 'error', name: 'SyntaxError', message: `output of ${name} is not valid JSON: ${why}`}}
      }
  }
}

function trimNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2)
  if (text.endsWith('\n')) return text.slice(0, -1)
  return text
}

/** the last `n` non-empty lines of a text */
export function lastLines(text: string, n: number): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n')
}
