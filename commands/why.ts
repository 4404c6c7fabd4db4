import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {explain} from '../src/store/query/why.js'

export default class Why extends BaseCommand {
  static override summary = 'Say why an instance ran or was reused from the result cache'
  static override description = `Compares the instance's cache key with the last earlier run of the same graph file that computed the same task and foreach index, and names what differs: the module or a file it imports (which one), a package version, argument N, an option (env, cwd, num_returns, stdin, output), an input file; or that there was no entry, the run used --no-cache, or the task has no cache: true.

Exit codes: 0 answered, 2 an unknown run or ref (or the run store cannot be used).`

  static override examples = [
    {description: 'Why did b run again?', command: '<%= config.bin %> why last b'},
    {description: 'One instance of a fan-out, as JSON', command: "<%= config.bin %> why last 'squares[3]' --json"},
  ]

  static override args = {
    run: Args.string({description: 'run id (or last)', required: true, ignoreStdin: true}),
    ref: Args.string({description: 'ID or ID[i]', required: true, ignoreStdin: true}),
  }

  static override flags = {
    json: jsonFlag('{runId, instance, state, verdict, key, comparedWith, reasons: [{kind, message, ...}]}'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Why)
    const {store, runId} = openForRun(args.run)
    try {
      const a = explain(store, runId, args.ref)
      if (flags.json) {
        this.log(JSON.stringify(a))
        return
      }
      const head = a.verdict === 'reused' ? 'was reused' : a.verdict === 'ran' ? 'ran' : 'did not run'
      const against = a.comparedWith ? ` (compared with ${a.comparedWith.instance} of run ${a.comparedWith.runId})` : ''
      this.log(`${a.instance} of run ${a.runId} ${head} (${a.state})${against}:`)
      for (const r of a.reasons) this.log(`  ${r.message}`)
    } finally {
      store.close()
    }
  }
}
