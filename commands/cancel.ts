import {BaseCommand} from '../src/cli/base-command.js'
import {runArg} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {getRun, killLeftovers, markEnded} from '../src/store/index.js'
import {sameProcessAlive} from '../src/store/processes.js'
import {sleep} from '../src/store/watch.js'

const GRACE_MS = 3000

export default class Cancel extends BaseCommand {
  static override summary = 'Stop a run'
  static override description = `Sends SIGTERM to the run's process, which cancels the run (every task and process it started is stopped) and records it as cancelled. Waits up to 3 s for that; then kills whatever the run recorded as still running, and the run process itself if it is still there. Stored results stay: \`rayts run --resume RUN\` continues it.`

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
      const run = getRun(store, runId)!
      if (run.state !== 'running' && run.state !== 'submitted') {
        process.stderr.write(`run ${runId} is already ${run.state}\n`)
        return
      }
      const alive = (): boolean => run.pid !== null && sameProcessAlive(run.pid, run.pidStart)
      if (alive()) process.kill(run.pid!, 'SIGTERM')
      const deadline = Date.now() + GRACE_MS
      while (Date.now() < deadline && alive()) await sleep(50)
      if (alive()) {
        process.kill(run.pid!, 'SIGKILL')
        const killDeadline = Date.now() + 1000
        while (Date.now() < killDeadline && alive()) await sleep(20)
      }
      killLeftovers(store, runId)
      markEnded(store, runId, 'cancelled')
      process.stderr.write(`run ${runId} is ${getRun(store, runId)!.state}\n`)
    } finally {
      store.close()
    }
  }
}
