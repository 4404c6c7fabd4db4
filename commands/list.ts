import {BaseCommand} from '../src/cli/base-command.js'
import {countFlag, jsonFlag} from '../src/cli/flags.js'
import {countStates, listRuns, openStore, reconcileRuns} from '../src/store/index.js'
import {countsText, localTime, runDurationMs, durationCell, table} from '../src/cli/print.js'

export default class List extends BaseCommand {
  static override summary = 'List runs, newest first'
  static override description = 'Every run recorded in $RAYTS_HOME (default ~/.rayts): id, graph, state, when it started, how long it ran, and its tasks by state. A run whose process died without ending it is shown as lost.'

  static override examples = [
    {description: 'All runs', command: '<%= config.bin %> list'},
    {description: 'As JSON', command: '<%= config.bin %> list --json'},
  ]

  static override flags = {
    json: jsonFlag('print a JSON array of runs'),
    limit: countFlag({description: 'at most N runs', default: 100}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(List)
    const store = openStore()
    try {
      reconcileRuns(store)
      const runs = listRuns(store, flags.limit).map((r) => ({
        id: r.id,
        graph: r.graph ?? r.file ?? '',
        state: r.state,
        startedMs: r.startedMs ?? r.createdMs,
        durationMs: runDurationMs(r),
        counts: countStates(store, r.id),
        pid: r.pid,
      }))
      if (flags.json) {
        this.log(JSON.stringify(runs.map((r) => ({...r, started: new Date(r.startedMs).toISOString()}))))
        return
      }
      if (runs.length === 0) {
        process.stderr.write(`no runs yet in ${store.home}\n`)
        return
      }
      this.log(
        table(
          ['ID', 'GRAPH', 'STATE', 'STARTED', 'DURATION', 'TASKS'],
          runs.map((r) => [r.id, r.graph, r.state, localTime(r.startedMs), durationCell(r.durationMs), countsText(r.counts)]),
        ),
      )
    } finally {
      store.close()
    }
  }
}
