import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag, runArg} from '../src/cli/flags.js'
import {UsageError} from '../src/core/usage-error.js'
import {formatForFile, type TimelineFormat, writeTimeline} from '../src/trace/index.js'

export default class Timeline extends BaseCommand {
  static override summary = 'Write the timeline of a run: a Chrome trace (Perfetto, chrome://tracing) or an HTML Gantt chart'
  static override description = `Reads RUN's events from the store and writes its timeline to FILE: a Chrome Trace Event Format file (JSON object form) to open in https://ui.perfetto.dev or chrome://tracing, or (--format html, or a FILE ending in .html) one self-contained HTML page with a Gantt chart. One thread per worker process and per command slot, a span per attempt coloured by outcome, scheduler waits, crashes, timeouts, retries and worker recycling as instants, and arrows along the dependency edges. See docs/timeline.md.

A resumed run's timeline is its latest session (each session has its own clock).

Exit codes: 0 written, 1 the file could not be written, 2 usage error or unknown run.`

  static override examples = [
    {description: 'Trace the newest run, then open it in ui.perfetto.dev', command: '<%= config.bin %> timeline last -o trace.json'},
    {description: 'A Gantt chart to open in any browser, offline', command: '<%= config.bin %> timeline last -o timeline.html'},
    {description: 'Force a format whatever the extension', command: '<%= config.bin %> timeline 0lq3v2x1kab3f -o run.trace --format json'},
    {description: 'Machine-readable summary: {file, format, events, traceEvents, spans}', command: '<%= config.bin %> timeline last -o trace.json --json'},
  ]

  static override args = {
    run: runArg(),
  }

  static override flags = {
    output: Flags.string({char: 'o', description: 'file to write', required: true, helpValue: 'FILE'}),
    format: Flags.string({char: 'f', description: 'json (Chrome trace) or html (Gantt chart); default: from the extension', options: ['json', 'html']}),
    json: jsonFlag('print {file, format, events, traceEvents, spans} as JSON on stdout'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Timeline)
    const {openStore, readEvents, resolveRunId} = await import('../src/store/index.js')
    const store = openStore()
    let written
    try {
      const runId = resolveRunId(store, args.run)
      const events = readEvents(store, runId)
      if (!events.some((e) => e.type === 'run-start')) throw new UsageError(`run ${runId} has not started yet: no events to draw`)
      const format = (flags.format as TimelineFormat | undefined) ?? formatForFile(flags.output)
      try {
        written = writeTimeline(flags.output, events, format)
      } catch (error) {
        return this.fail(`cannot write ${flags.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'RAYTS_ERR_SYSTEM')
      }
    } finally {
      store.close()
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(written)}\n`)
    else process.stdout.write(`${written.file}: ${written.format} timeline of ${written.spans} attempt${written.spans === 1 ? '' : 's'} (${written.traceEvents} trace events)\n`)
  }
}
