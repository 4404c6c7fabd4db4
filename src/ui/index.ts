// rayts' output of a run: results on stdout, progress on stderr. The lead's `rayts run`:
//
//   const renderer = chooseRenderer({json, stderr: process.stderr, env: process.env})
//   const color = wantColor({flag: flags.color, stream: process.stderr, env: process.env})
//   const reporter = await attachReporter(handle.events, {renderer, color, numReturns, timeoutSeconds,
//                                                        stdout: process.stdout, stderr: process.stderr})
//   handle.start(); process.on('SIGINT', () => { reporter.cancelling(); handle.cancel() })
//   await handle.done; await reporter.close()
//
// Exports:
//   chooseRenderer(...)  'ink' | 'plain' | 'json', chosen once (Ink: stderr a TTY, CI unset, TERM not dumb, not json)
//   wantColor(...)       colour on/off from --no-color, NO_COLOR, TERM=dumb, FORCE_COLOR, isTTY
//   attachReporter(events, opts) -> Reporter {cancelling(), close()}; subscribe before handle.start()
//                        the tasks' own output goes to stderr as `ID#ATTEMPT | line` unless opts.quietTasks
//   formatValue(v)       a value as text: a string whole, anything else a one-line util.inspect preview
//   formatBatch(b)       `Returned N completed tasks (elapsed X s)` + `  name = value` lines (`rayts wait --follow`)
//   formatResult(r)      `id3 (4.012 s): Float64Array(20) [ ... ]`
//   toJson(v)            a result value as plain JSON (the --json encoding of docs/ui.md)
//   resultJson / batchJson  the `--json` line objects
// Ink and React are imported only when the Ink renderer is used; `rayts: starting…` is shown
// while they load.
import {loadForPrint} from '../objects/read.js'
import type {EventStream, RunEvent} from '../core/events.js'
import {nowMicros} from '../core/clock.js'
import {Batcher} from './batcher.js'
import {makeChalk, type Renderer} from './choose.js'
import {JsonSink} from './json-reporter.js'
import {PlainSink} from './plain-reporter.js'
import {showStartingLine} from './ink/starting-line.js'
import {RunModel} from './run-model.js'
import type {ResultItem} from './results-format.js'
import type {Sink} from './sink.js'
import {summaryData} from './summary.js'
import {TaskOutput} from './task-output.js'

export {chooseRenderer, wantColor, type Renderer} from './choose.js'

export {type Batch, type ResultItem} from './results-format.js'
export {type Json} from '../format/json.js'

/** what the runtime writes to; process.stdout / process.stderr in the CLI */
export type OutStream = NodeJS.WritableStream & {readonly isTTY?: boolean; readonly rows?: number; readonly columns?: number}

export interface ReporterOptions {
  readonly renderer: Renderer
  readonly color: boolean
  /** batch mode (the ray.wait loop): a batch when N results are ready ... */
  readonly numReturns?: number
  /** ... or D seconds have passed since the last batch, whichever first */
  readonly timeoutSeconds?: number
  readonly stdout: OutStream
  readonly stderr: OutStream
  /** keep the tasks' own output in the store only (`--quiet-tasks`); default: print it on stderr */
  readonly quietTasks?: boolean
  /** monotonic microseconds (tests); default: core/clock nowMicros */
  readonly clock?: () => number
}

export interface Reporter {
  /** show `cancelling… (why)` at once (first Ctrl-C: `SIGINT`) */
  cancelling(why?: string): void
  /** flush what is left (last batch, summary), unmount Ink; idempotent */
  close(): Promise<void>
}

export async function attachReporter(events: EventStream, opts: ReporterOptions): Promise<Reporter> {
  const clock = opts.clock ?? nowMicros
  const model = new RunModel()
  model.liveOutput = opts.quietTasks !== true
  const chalk = makeChalk(opts.color)
  const sink = await makeSink(model, opts, chalk, clock)
  const batching = opts.numReturns !== undefined || opts.timeoutSeconds !== undefined
  const batcher = batching
    ? new Batcher({
        numReturns: opts.numReturns,
        timeoutSeconds: opts.timeoutSeconds,
        now: () => model.elapsed(clock()) / 1e6,
        onBatch: (b) => sink.batch(b),
      })
    : null

  const output = opts.quietTasks ? null : new TaskOutput((prefix, text) => sink.output(prefix, text))
  const onEvent = (e: RunEvent): void => {
    model.apply(e)
    output?.event(e, model)
    if (e.type === 'succeeded' && model.isOutput(e.inst)) {
      const info = model.instances[e.inst]!
      const r: ResultItem = {name: info.name, task: info.task, index: info.index, elapsed: model.elapsed(e.t) / 1e6, value: loadForPrint(e.value)}
      if (batcher) batcher.add(r)
      else sink.result(r)
    } else if (e.type === 'run-start') batcher?.start()
    else if (e.type === 'run-end') batcher?.close()
    sink.event(e, model)
  }
  const unsubscribe = events.subscribe(onEvent)

  let closing: Promise<void> | null = null
  return {
    cancelling(why) {
      if (model.cancelling || closing) return
      model.cancelling = true
      model.cancelWhy = why ?? null
      model.version++
      sink.cancelling(why)
    },
    close() {
      closing ??= (async () => {
        unsubscribe()
        batcher?.close()
        await sink.close(summaryData(model, clock()))
      })()
      return closing
    },
  }
}

async function makeSink(model: RunModel, opts: ReporterOptions, chalk: ReturnType<typeof makeChalk>, clock: () => number): Promise<Sink> {
  switch (opts.renderer) {
    case 'json':
      return new JsonSink(opts.stdout, opts.stderr, chalk)
    case 'plain':
      return new PlainSink(opts.stdout, opts.stderr, chalk)
    case 'ink': {
      const starting = showStartingLine(opts.stderr, opts.color)
      try {
        const {InkSink} = await importInk()
        return new InkSink(model, {stdout: opts.stdout, stderr: opts.stderr as NodeJS.WriteStream, color: opts.color, clock})
      } finally {
        starting.erase()
      }
    }
  }
}

/**
 * Ink and React, imported on first use (~0.4 s). React's development build (the default when
 * NODE_ENV is unset) renders several times slower; ask for the production build while the
 * modules load, and put NODE_ENV back so that no task sees the change.
 */
async function importInk(): Promise<typeof import('./ink/ink-sink.js')> {
  const had = Object.hasOwn(process.env, 'NODE_ENV')
  if (!had) process.env.NODE_ENV = 'production'
  try {
    return await import('./ink/ink-sink.js')
  } finally {
    if (!had) delete process.env.NODE_ENV
  }
}
