import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag, runArg} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {summaryText} from '../src/cli/inspect-view.js'
import {getRun, summarizeTasks} from '../src/store/index.js'

export default class Summary extends BaseCommand {
  static override summary = 'Per task: instances by state, durations, retries, the most common error'
  static override description = `Like \`ray summary tasks\`: one row per task of the run with its instances by state, the duration of their last attempt (p50, p95, max), the retries, and its most common error with how many instances failed with it. Counted in the store, so a run of any size answers at once.`

  static override examples = [
    {description: 'The newest run', command: '<%= config.bin %> summary last'},
    {description: 'As JSON', command: '<%= config.bin %> summary last --json'},
  ]

  static override args = {
    run: runArg(),
  }

  static override flags = {
    json: jsonFlag('{run, tasks: [{task, total, states, retries, durationMs: {p50, p95, max}, error}]}'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Summary)
    const {store, runId} = openForRun(args.run)
    try {
      const run = getRun(store, runId)!
      const tasks = summarizeTasks(store, runId)
      if (flags.json) this.log(JSON.stringify({run: {id: run.id, graph: run.graph, state: run.state}, tasks}))
      else this.log(summaryText(run, tasks))
    } finally {
      store.close()
    }
  }
}
