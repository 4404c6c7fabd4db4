import {BaseCommand} from '../src/cli/base-command.js'
import {runArg} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {cancelRun} from '../src/store/upkeep/cancel.js'

export default class Cancel extends BaseCommand {
  static override summary = 'Stop a run'
  static override description = `Sends SIGTERM to the run's process, which cancels the run (every task and process it started is stopped) and records it as cancelled. Waits up to 3 s for that; then kills whatever the run recorded as still running, and the run process itself if it is still there. Stored results stay: \`rayts run --resume RUN\` continues it. A run of another host (a shared $RAYTS_HOME) is refused: cancel it there (exit 2).`

  static override examples = [
    {description: 'Stop the newest run', command: '<%= config.bin %> cancel last'},
  ]

  static override args = {
    run: runArg(),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Cancel)
    const {store, runId} = openForRun(args.run)
    try {
      const r = await cancelRun(store, runId)
      if (!r.ok && r.why === 'other-host') this.fail(r.message, 'RAYTS_ERR_USAGE')
      process.stderr.write(r.ok ? `run ${runId} is ${r.state}\n` : `${r.message}\n`)
    } finally {
      store.close()
    }
  }
}
