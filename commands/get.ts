import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag, runArg, timeoutFlag} from '../src/cli/flags.js'
import {openForRun, waitResolved} from '../src/cli/open-run.js'
import {getRun, refValue, waitForRefs} from '../src/store/index.js'
import {instanceErrorJson, formatTaskError, formatValue, labelValue, toJson, type Json} from '../src/cli/print.js'
import {dict} from '../src/core/dict.js'
import {ExitCode} from '../src/core/exit-codes.js'

export default class Get extends BaseCommand {
  static override summary = 'Print results of a run, waiting for them'
  static override description = `Like ray.get: waits until every REF is ready, then prints their values in the order given. One REF: its value alone (a string as is); several: one \`REF = value\` line each. No REF: the run's output instances. A task that failed prints its error (name, message, worker stack) on stderr.

REF is ID, ID[i] or ID.i (instance i of a fanned-out ID; ID alone is the list of all), or ID.k (part k of a num_returns task).

Exit codes: 0 ok, 1 a task failed (or the run was lost before it finished), 2 usage error, 3 --timeout passed (the run goes on).`

  static override examples = [
    {description: 'The outputs of the newest run', command: '<%= config.bin %> get last'},
    {description: 'One result, waiting at most 5 s', command: '<%= config.bin %> get last id3 --timeout 5s'},
    {description: 'Instances and parts', command: '<%= config.bin %> get 0mwwr8k2abcd add[0] add.1 split.0'},
    {description: 'As JSON: {ref: value}', command: '<%= config.bin %> get last --json'},
  ]

  static override strict = false

  static override args = {
    run: runArg(),
    refs: Args.string({description: 'refs to get (default: the run\'s outputs)', required: false, ignoreStdin: true}),
  }

  static override flags = {
    timeout: timeoutFlag('wait at most D (seconds, or 500ms, 2.5s, 1m); then exit 3'),
    json: jsonFlag('print {ref: value, ...} as JSON (typed arrays as arrays)'),
  }

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(Get)
    const refs = (argv as string[]).slice(1)
    const timeoutSec = flags.timeout
    const {store, runId} = openForRun(args.run)
    const deadline = timeoutSec === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutSec * 1000
    let code: number = ExitCode.Ok
    try {
      const resolved = await waitResolved(store, runId, refs, deadline)
      const texts = resolved?.map((r) => r.text) ?? refs
      const res =
        resolved === null
          ? {ready: [], remaining: texts}
          : texts.length === 0
            ? {ready: [], remaining: []}
            : await waitForRefs(store, runId, texts, {
                numReturns: texts.length,
                timeoutMs: deadline === Number.POSITIVE_INFINITY ? null : Math.max(0, deadline - Date.now()),
              })
      if (res.remaining.length > 0) {
        this.fail(`timed out waiting for ${res.remaining.join(', ') || 'the run to start'} (run ${runId} goes on)`, 'RAYTS_ERR_GET_TIMEOUT')
      }
      const run = getRun(store, runId)!
      const values = dict<Json>()
      const lines: string[] = []
      for (const r of resolved ?? []) {
        const out = refValue(store, run, r)
        if (out.ok) {
          values[r.text] = toJson(out.value)
          lines.push(
            resolved!.length === 1 ? formatValue(out.value) : labelValue(`${r.text} =`, out.value),
          )
        } else {
          code = ExitCode.TaskFailed
          if (flags.json) values[r.text] = {error: instanceErrorJson(out.instance, out.error)}
          process.stderr.write(`${formatTaskError(r.text, out.instance, out.error)}\n`)
        }
      }
      if (flags.json) this.log(JSON.stringify(values))
      else for (const l of lines) this.log(l)
    } finally {
      store.close()
    }
    if (code !== ExitCode.Ok) this.exit(code)
  }
}
