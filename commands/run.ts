import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {ExitCode} from '../src/core/exit-codes.js'
import {optionalGraphArg, jsonFlag, numCpusFlag, numReturnsFlag, objectStoreMemoryFlag, resourcesFlag, setFlag, timeoutFlag} from '../src/cli/flags.js'
import {runCommand} from '../src/cli/run-command.js'

export default class Run extends BaseCommand {
  static override summary = 'Run a graph: stream the output tasks\' results as they finish'
  static override description = `Compiles GRAPH, runs its tasks on a pool of worker processes (fn tasks) and process groups (cmd tasks), and prints the results of its output tasks on stdout as they finish. Progress goes to stderr: a live view on a terminal, plain lines otherwise; so does what the tasks print, each line prefixed \`ID#ATTEMPT | \` as in \`rayts logs\` (--quiet-tasks keeps it in the store only). Every run is recorded in $RAYTS_HOME (default ~/.rayts).

Exit codes: 0 success, 1 a task failed, 2 usage or graph error (or the run store cannot be used), 4 the results could not be written to the store (disk full), 70 an internal error (a rayts bug), 130 interrupted.`

  static override examples = [
    {description: 'Run the lesson\'s first example (about 4 s, not 6)', command: '<%= config.bin %> run graphs/arrays.yaml'},
    {description: 'Print results in batches, a batch when 2 are ready', command: '<%= config.bin %> run graphs/arrays-wait.yaml --num-returns 2'},
    {description: 'A batch every 2.5 s, whatever is ready', command: '<%= config.bin %> run graphs/arrays-wait.yaml --timeout 2.5'},
    {description: 'Override an option and keep a trace', command: '<%= config.bin %> run graphs/arrays.yaml --set defaults.max_retries=0 --timeline trace.json'},
    {description: 'One JSON object per result on stdout', command: '<%= config.bin %> run graphs/slow-square.yaml --json'},
    {description: 'Continue the newest run, reusing its results', command: '<%= config.bin %> run --resume last'},
  ]

  static override args = {
    graph: optionalGraphArg('graph file (YAML); optional with --resume'),
  }

  static override flags = {
    'num-cpus': numCpusFlag,
    resources: resourcesFlag,
    set: setFlag,
    timeline: Flags.string({description: 'write a Chrome trace of the run to FILE (.html: a Gantt chart)', helpValue: 'FILE'}),
    'fail-fast': Flags.boolean({description: 'cancel the rest when a task fails for good'}),
    'num-returns': numReturnsFlag('print results in batches of N (the ray.wait loop)'),
    timeout: timeoutFlag('with batches: print what is ready after D since the last batch'),
    json: jsonFlag('one JSON object per result (or batch) on stdout, nothing else there'),
    color: Flags.boolean({description: 'colour (off for NO_COLOR, TERM=dumb)', allowNo: true, default: true}),
    resume: Flags.string({description: 'continue a lost, failed or cancelled run (id or last)', helpValue: 'RUN'}),
    cluster: Flags.string({description: 'run the tasks on the workers of this Redis (default: $RAYTS_CLUSTER)', helpValue: 'URL'}),
    'object-store-memory': objectStoreMemoryFlag,
    'quiet-tasks': Flags.boolean({description: "keep the tasks' own output in the store only (rayts logs), not on stderr"}),
    'no-cache': Flags.boolean({description: 'neither reuse nor store results in the result cache for this run (tasks with cache: true run as if without it)'}),
    'run-id': Flags.string({hidden: true}),
    quiet: Flags.boolean({hidden: true, description: 'no output at all (the detached process of submit)'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Run)
    const code = await runCommand(args.graph, flags)
    if (code !== ExitCode.Ok) this.exit(code)
  }
}
