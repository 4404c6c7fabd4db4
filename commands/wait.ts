import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {followFlag, jsonFlag, numReturnsFlag, timeoutFlag} from '../src/cli/flags.js'
import {looksLikeGraphFile, openForRun, waitResolved} from '../src/cli/open-run.js'
import {cliLauncher, submitRun} from '../src/cli/submit.js'
import {batchElapsedMs, checkWaitArgs, getRun, openStore, refValue, waitForRefs, UsageError} from '../src/store/index.js'
import {batchHead, instanceErrorJson, formatTaskError, labelValue, toJson, type Json} from '../src/cli/print.js'
import {dict} from '../src/core/dict.js'

export default class Wait extends BaseCommand {
  static override summary = 'ray.wait on a run: which refs are ready, which remain'
  static override description = `Waits until --num-returns of the refs are ready or --timeout passes, then prints the ready refs and the remaining ones, both in the order given (ready capped at N). A failed, skipped or cancelled task counts as ready (its get fails), as in Ray. No REF: the run's output instances. RUN may be a graph file: it is submitted first and its run id printed on stderr.

REF is ID, ID[i] or ID.i (instance i of a fanned-out ID), or ID.k (part k of a num_returns task).

Exit codes: 0 (also when the timeout passes), 1 a task failed (--follow), 2 usage error.`

  static override examples = [
    {description: 'The first of a run\'s outputs to be ready', command: '<%= config.bin %> wait last'},
    {description: 'Two of three, waiting at most 2.5 s', command: '<%= config.bin %> wait last add[0] add[1] add[2] --num-returns 2 --timeout 2.5s'},
    {description: 'The lesson\'s loop: submit, then print results two at a time as they finish', command: '<%= config.bin %> wait graphs/arrays-wait.yaml --num-returns 2 --follow'},
    {description: 'Machine-readable', command: '<%= config.bin %> wait last --num-returns 2 --json'},
  ]

  static override strict = false

  static override args = {
    run: Args.string({description: 'run id, last, or a graph file to submit first', required: true, ignoreStdin: true}),
    refs: Args.string({description: 'refs to wait on (default: the run\'s outputs)', required: false, ignoreStdin: true}),
  }

  static override flags = {
    'num-returns': numReturnsFlag('how many ready refs end the wait (default 1)'),
    timeout: timeoutFlag('wait at most D (seconds, or 500ms, 2.5s, 1m); with --follow, per batch'),
    follow: followFlag("repeat until every ref is ready, printing each batch with its values and its elapsed time since the run's start"),
    json: jsonFlag('print {ready, remaining} as JSON (--follow: one line per batch, with values)'),
  }

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(Wait)
    const refs = (argv as string[]).slice(1)
    const timeoutMs = flags.timeout === undefined ? null : flags.timeout * 1000
    const n = flags['num-returns'] ?? 1
    let runRef = args.run
    checkWaitArgs(refs, n, timeoutMs)
    if (looksLikeGraphFile(runRef)) {
      const store = openStore()
      try {
        runRef = submitRun(store, {graphFile: runRef, set: [], failFast: false}, cliLauncher(this.config.root)).runId
      } finally {
        store.close()
      }
      process.stderr.write(`${runRef}\n`)
    }
    const {store, runId} = openForRun(runRef)
    try {
      if (!flags.follow) {
        const res = await waitForRefs(store, runId, refs, {numReturns: n, timeoutMs})
        if (flags.json) this.log(JSON.stringify(res))
        else {
          this.log(`ready:     ${res.ready.join(' ')}`.trimEnd())
          this.log(`remaining: ${res.remaining.join(' ')}`.trimEnd())
        }
        return
      }
      const failed = await this.follow(store, runId, refs, n, timeoutMs, flags.json)
      if (failed) this.fail('a task failed', 'RAYTS_ERR_TASK')
    } finally {
      store.close()
    }
  }

  /** The lesson's loop; true when a printed ref had failed. */
  private async follow(
    store: import('../src/store/index.js').Store, runId: string, refs: string[], n: number, timeoutMs: number | null, json: boolean,
  ): Promise<boolean> {
    const resolved = await waitResolved(store, runId, refs, Number.POSITIVE_INFINITY)
    let remaining = (resolved ?? []).map((r) => r.text)
    const byText = new Map((resolved ?? []).map((r) => [r.text, r]))
    if (n > remaining.length && remaining.length > 0) {
      throw new UsageError(`num_returns cannot be greater than the number of refs provided: ${n} > ${remaining.length}`)
    }
    let failed = false
    while (remaining.length > 0) {
      const res = await waitForRefs(store, runId, remaining, {numReturns: Math.min(n, remaining.length), timeoutMs})
      remaining = res.remaining
      if (res.ready.length === 0) continue
      const run = getRun(store, runId)!
      const elapsed = batchElapsedMs(store, run, res.ready.map((text) => byText.get(text)!), Date.now())
      const values = dict<Json>()
      const errors = dict<Json>()
      const lines: string[] = []
      for (const text of res.ready) {
        const out = refValue(store, run, byText.get(text)!)
        if (out.ok) {
          values[text] = toJson(out.value)
          lines.push(labelValue(`${text} =`, out.value))
        } else {
          failed = true
          errors[text] = instanceErrorJson(out.instance, out.error)
          process.stderr.write(`${formatTaskError(text, out.instance, out.error)}\n`)
        }
      }
      if (json) {
        this.log(JSON.stringify({elapsed: Math.round(elapsed) / 1000, ready: res.ready, remaining, values, errors}))
      } else {
        this.log(batchHead(res.ready.length, Math.round(elapsed) / 1000))
        for (const l of lines) this.log(l)
      }
    }
    return failed
  }
}
