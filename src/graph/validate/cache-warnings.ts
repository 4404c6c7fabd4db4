// Warnings about the cross-run cache that do not stop a run: a cached cmd task that names
// no `inputs:` is keyed on its command line alone (a change to a file it reads goes unseen).
import type {CompiledGraph} from '../model.js'
import {formatProblem} from './problems.js'

/** one line per such task, `FILE:LINE:COL: warning: ...` */
export function cacheWarnings(graph: CompiledGraph, file: string = graph.file): string[] {
  const out: string[] = []
  for (const task of graph.tasks) {
    if (task.kind !== 'cmd' || task.options.cache !== true || (task.inputs?.length ?? 0) > 0) continue
    out.push(
      formatProblem({
        file,
        line: task.pos.line,
        col: task.pos.col,
        message: `warning: task ${task.id} has cache: true but no inputs: it is cached on its command line alone (list the files it reads in inputs:)`,
      }),
    )
  }
  return out
}
