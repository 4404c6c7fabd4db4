// A task's own output on the run's terminal, as `rayts logs` prints it: `ID#ATTEMPT | line`.
// Chunks arrive as they were written (a cmd's pipe may cut a line anywhere), so each
// (instance, attempt, stream) keeps its unfinished line until the newline comes or the
// attempt ends. Lines go to `write`, which the sink batches (one write per turn or frame).
import type {RunEvent} from '../core/events.js'
import type {RunModel} from './run-model.js'

export class TaskOutput {
  /** `inst:attempt:stream` -> the unfinished last line */
  private partial = new Map<string, string>()

  constructor(private readonly write: (prefix: string, text: string) => void) {}

  event(e: RunEvent, m: RunModel): void {
    switch (e.type) {
      case 'log': {
        const key = `${e.inst}:${e.attempt}:${e.stream}`
        const text = (this.partial.get(key) ?? '') + e.text
        const cut = text.lastIndexOf('\n')
        if (cut < 0) {
          this.partial.set(key, text)
          return
        }
        this.partial.delete(key)
        if (cut < text.length - 1) this.partial.set(key, text.slice(cut + 1))
        const prefix = `${m.name(e.inst)}#${e.attempt} | `
        for (const line of text.slice(0, cut).split('\n')) this.write(prefix, line)
        return
      }
      case 'succeeded':
      case 'attempt-failed':
        this.flush(m, `${e.inst}:${e.attempt}:`)
        return
      case 'cancelled':
        this.flush(m, `${e.inst}:`)
        return
      case 'run-end':
        this.flush(m, '')
        return
      default:
        return
    }
  }

  /** the unfinished lines whose key starts with `prefix`, as whole lines */
  private flush(m: RunModel, prefix: string): void {
    if (this.partial.size === 0) return
    for (const [key, text] of this.partial) {
      if (!key.startsWith(prefix)) continue
      this.partial.delete(key)
      const [inst, attempt] = key.split(':')
      this.write(`${m.name(Number(inst))}#${attempt} | `, text)
    }
  }
}
