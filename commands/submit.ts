import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {checkBudget} from '../src/cli/budget-warning.js'
import {checkEnvSizes} from '../src/runtime/env-sizes.js'
import {optionalGraphArg, numCpusFlag, objectStoreMemoryFlag, resourcesFlag, setFlag} from '../src/cli/flags.js'
import {cliLauncher, submitRun} from '../src/cli/submit.js'
import {openStore} from '../src/store/index.js'

export default class Submit extends BaseCommand {
  static override summary = 'Start a run in the background; print its run id'
  static override description = `Checks that GRAPH compiles, records the run as submitted in $RAYTS_HOME and starts \`rayts run\` in a detached process of its own: the run survives the terminal. Prints the run id alone on stdout and exits at once. Follow it with wait, get, status, logs; stop it with cancel.

Exit codes: 0 submitted, 2 usage or graph error (or the run store cannot be used).`

  static override examples = [
    {description: 'Submit, then wait for two results', command: 'ID=$(<%= config.bin %> submit graphs/arrays-wait.yaml) && <%= config.bin %> wait $ID --num-returns 2'},
    {description: 'With options, like run', command: '<%= config.bin %> submit graphs/arrays.yaml --num-cpus 2 --set defaults.max_retries=0'},
    {description: 'Continue a lost or failed run in the background', command: '<%= config.bin %> submit --resume last'},
  ]

  static override args = {
    graph: optionalGraphArg('graph file (YAML); optional with --resume'),
  }

  static override flags = {
    'num-cpus': numCpusFlag,
    resources: resourcesFlag,
    set: setFlag,
    timeline: Flags.string({description: 'write a Chrome trace of the run to FILE when it ends', helpValue: 'FILE'}),
    'fail-fast': Flags.boolean({description: 'cancel the rest when a task fails for good'}),
    'no-cache': Flags.boolean({description: 'neither reuse nor store results in the result cache for this run'}),
    resume: Flags.string({description: 'continue a lost, failed or cancelled run (id or last)', helpValue: 'RUN'}),
    cluster: Flags.string({description: 'run the tasks on the workers of this Redis (default: $RAYTS_CLUSTER)', helpValue: 'URL'}),
    'object-store-memory': objectStoreMemoryFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Submit)
    checkEnvSizes(process.env, {homeBudget: true})
    // the detached run reads it from its environment (kept out of its argv: it may hold a password)
    if (flags.cluster !== undefined) process.env.RAYTS_CLUSTER = flags.cluster
    if (flags['object-store-memory'] !== undefined) process.env.RAYTS_OBJECT_STORE_MEMORY = String(flags['object-store-memory'])
    const store = openStore()
    try {
      const {runId} = submitRun(
        store,
        {
          graphFile: args.graph,
          set: flags.set ?? [],
          numCpus: flags['num-cpus'] === undefined ? undefined : String(flags['num-cpus']),
          resources: flags.resources,
          failFast: flags['fail-fast'],
          noCache: flags['no-cache'],
          timeline: flags.timeline,
          resume: flags.resume,
        },
        cliLauncher(this.config.root),
      )
      this.log(runId)
    } finally {
      store.close()
    }
    checkBudget(process.stderr)
  }
}
