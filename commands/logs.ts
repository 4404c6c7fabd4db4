import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {followFlag, jsonFlag, runArg} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {getRun, parseRef, readLogs, resolveRef, UsageError} from '../src/store/index.js'
import {watchRun} from '../src/store/query/watch.js'

export default class Logs extends BaseCommand {
  static override summary = 'What the tasks of a run printed'
  static override description = 'Every line a task wrote to stdout or stderr, prefixed by its instance and attempt (`id1#1 | text`), in the order they arrived. REF limits it to one task or instance. --follow keeps printing until the run ends.'

  static override examples = [
    {description: 'All logs of the newest run', command: '<%= config.bin %> logs last'},
    {description: 'One instance, as it runs', command: '<%= config.bin %> logs last add[2] --follow'},
  ]

  static override args = {
    run: runArg(),
    ref: Args.string({description: 'a task ID or instance ID[i]', required: false, ignoreStdin: true}),
  }

  static override flags = {
    follow: followFlag('keep printing until the run ends'),
    json: jsonFlag('one JSON object per line: {instance, attempt, stream, text}'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const {store, runId} = openForRun(args.run)
    try {
      let names: readonly string[] | undefined
      if (args.ref) {
        const run = getRun(store, runId)!
        const r = resolveRef(store, run, parseRef(args.ref))
        if (r === null) throw new UsageError(`run ${runId} has not made ${args.ref} yet`)
        names = r.names
      }
      let after = 0
      const print = (): void => {
        for (const l of readLogs(store, runId, {names, afterId: after})) {
          after = l.id
          if (flags.json) {
            this.log(JSON.stringify({instance: l.name, attempt: l.attempt, stream: l.stream, text: l.text}))
            continue
          }
          const text = l.text.endsWith('\n') ? l.text.slice(0, -1) : l.text
          for (const line of text.split('\n')) this.log(`${l.name}#${l.attempt} | ${line}`)
        }
      }
      print()
      if (!flags.follow) return
      await watchRun(store, runId, (run) => {
        print()
        return run.state === 'running' || run.state === 'submitted' ? undefined : true
      })
    } finally {
      store.close()
    }
  }
}
