import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {nowMicros} from '../src/core/clock.js'
import {getRun, listInstances} from '../src/store/index.js'
import {countByState, countsText, instanceDurationMs, localTime, runDurationMs, durationCell, table, withoutPlaceholders} from '../src/cli/print.js'

export default class Status extends BaseCommand {
  static override summary = 'State of a run and of each of its tasks'
  static override description = `The run's state (submitted, running, succeeded, failed, cancelled, or lost when its process died without ending it) and a table like \`ray list tasks\`: instance, attempt, state, worker pid, duration, error; then the counts by state.`

  static override examples = [
    {description: 'The newest run', command: '<%= config.bin %> status last'},
    {description: 'As JSON', command: '<%= config.bin %> status 0mwwr8k2abcd --json'},
  ]

  static override args = {
    run: Args.string({description: 'run id or last', default: 'last'}),
  }

  static override flags = {
    json: jsonFlag('print the run, its counts and its instances as JSON'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Status)
    const {store, runId} = openForRun(args.run)
    try {
      const run = getRun(store, runId)!
      const listed = withoutPlaceholders(listInstances(store, runId))
      const counts = countByState(listed)
      const now = nowMicros()
      const instances = listed.map((i) => ({
        instance: i.name,
        attempt: i.attempt,
        state: i.state,
        pid: i.pid,
        durationMs: instanceDurationMs(i, now),
        error: i.error ? {kind: i.error.kind, name: i.error.name, message: i.error.message} : null,
      }))
      if (flags.json) {
        const {meta, ...rest} = run
        this.log(JSON.stringify({run: {...rest, meta, durationMs: runDurationMs(run)}, counts, instances}))
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
          ['INSTANCE', 'ATTEMPT', 'STATE', 'PID', 'DURATION', 'ERROR'],
          instances.map((i) => [
            i.instance,
            String(i.attempt),
            i.state,
            i.pid === null ? '-' : String(i.pid),
            durationCell(i.durationMs),
            i.error ? `${i.error.kind}: ${i.error.name}` : '',
          ]),
        ),
      )
      this.log('')
      this.log(countsText(counts))
    } finally {
      store.close()
    }
  }
}
