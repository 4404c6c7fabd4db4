import {BaseCommand} from '../src/cli/base-command.js'
import {Flags} from '@oclif/core'
import {jsonFlag} from '../src/cli/flags.js'
import {countRuns, countStates, listRuns, openStore, reconcileRuns} from '../src/store/index.js'
import {cutLine} from '../src/cli/inspect-view.js'
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
    limit: Flags.integer({description: 'list at most N runs; 0 for all (default 100); a cut is always stated', min: 0, default: 100, helpValue: 'N'}),
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
      const cut = cutLine({total: countRuns(store)}, runs.length)
      if (flags.json) {
        this.log(JSON.stringify(runs.map((r) => ({...r, started: new Date(r.startedMs).toISOString()}))))
        if (cut) process.stderr.write(`${cut}\n`)
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
      if (cut) this.log(cut)
    } finally {
      store.close()
    }
  }
}
