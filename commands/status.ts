import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {nowMicros} from '../src/core/clock.js'
import {UsageError} from '../src/core/usage-error.js'
import {DEFAULT_LIST_LIMIT, getRun, hasTask, queryInstances, taskNames, waitReasons} from '../src/store/index.js'
import {countsText, instanceDurationMs, localTime, runDurationMs, durationCell, table} from '../src/cli/print.js'
import {cutLine, parseStates} from '../src/cli/inspect-view.js'

export default class Status extends BaseCommand {
  static override summary = 'State of a run and of each of its tasks'
  static override description = `The run's state (submitted, running, succeeded, failed, cancelled, or lost when its process died without ending it) and a table like \`ray list tasks\`: instance, attempt, state, worker pid, duration, error; then the counts by state.

--state and --task keep the instances in those states or of that task. At most --limit instances are listed (default ${DEFAULT_LIST_LIMIT.toLocaleString('en-US')}); when more match, the cut is stated: "showing 1,000 of 12,345; --limit 0 for all".`

  static override examples = [
    {description: 'The newest run', command: '<%= config.bin %> status last'},
    {description: 'What still runs or failed in task add', command: '<%= config.bin %> status last --state running,failed --task add'},
    {description: 'Every instance, as JSON', command: '<%= config.bin %> status 0mwwr8k2abcd --json --limit 0'},
  ]

  static override args = {
    run: Args.string({description: 'run id or last', default: 'last', ignoreStdin: true}),
  }

  static override flags = {
    json: jsonFlag('print the run, its counts and its instances as JSON (with total: how many matched)'),
    state: Flags.string({description: `only instances in this state (a list: running,failed; states: pending, ready, running, retrying, succeeded, failed, skipped, cancelled, cached)`, multiple: true, multipleNonGreedy: true, helpValue: 'S'}),
    task: Flags.string({description: 'only the instances of this task', helpValue: 'T'}),
    limit: Flags.integer({description: `list at most N instances; 0 for all (default ${DEFAULT_LIST_LIMIT})`, min: 0, default: DEFAULT_LIST_LIMIT, helpValue: 'N'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Status)
    const states = parseStates(flags.state)
    const {store, runId} = openForRun(args.run)
    try {
      const run = getRun(store, runId)!
      if (flags.task !== undefined && !hasTask(store, runId, flags.task)) {
        throw new UsageError(`run ${runId} has no task ${flags.task} (tasks: ${taskNames(store, runId).join(', ') || 'none yet'})`)
      }
      const page = queryInstances(store, runId, {states, task: flags.task, limit: flags.limit})
      const now = nowMicros()
      const active = run.state === 'running' || run.state === 'submitted'
      const waits = active ? waitReasons(store, runId, page.instances.map((i) => i.name)) : new Map()
      const instances = page.instances.map((i) => ({
        instance: i.name,
        attempt: i.attempt,
        state: i.state,
        pid: i.pid,
        durationMs: instanceDurationMs(i, now),
        error: i.error ? {kind: i.error.kind, name: i.error.name, message: i.error.message} : null,
        ...(waits.has(i.name) ? {waitsFor: waits.get(i.name)!} : {}),
      }))
      const cut = cutLine(page, instances.length)
      if (flags.json) {
        const {meta, ...rest} = run
        this.log(JSON.stringify({run: {...rest, meta, durationMs: runDurationMs(run)}, counts: page.counts, instances, total: page.total, limit: flags.limit}))
        if (cut) process.stderr.write(`${cut}\n`)
        return
      }
      this.log(`run ${run.id}  ${run.graph ?? run.file ?? ''}  ${run.state}`)
      this.log(
        `started ${localTime(run.startedMs ?? run.createdMs)}  duration ${durationCell(runDurationMs(run))}  pid ${run.pid ?? '-'}` +
          (run.session > 1 ? `  resumed ${run.session - 1}x` : ''),
      )
      this.log('')
      this.log(
        table(
          ['INSTANCE', 'ATTEMPT', 'STATE', 'PID', 'DURATION', waits.size > 0 ? 'ERROR / WAITS FOR' : 'ERROR'],
          instances.map((i) => [
            i.instance,
            String(i.attempt),
            i.state,
            i.pid === null ? '-' : String(i.pid),
            durationCell(i.durationMs),
            [i.error ? `${i.error.kind}: ${i.error.name}` : '', i.waitsFor ? `waits for ${i.waitsFor.text}` : ''].filter(Boolean).join('; '),
          ]),
        ),
      )
      if (cut) this.log(cut)
      this.log('')
      this.log(countsText(page.counts))
    } finally {
      store.close()
    }
  }
}
