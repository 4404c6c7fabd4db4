import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base-command.js'
import {availableParallelism} from 'node:os'
import {benchOverhead, defaultOverheadOptions, formatOverhead} from '../../src/bench/overhead.js'

export default class BenchOverhead extends BaseCommand {
  static override summary = 'Per-task overhead of no-op fn and cmd tasks, beside the floors'
  static override description = `First the user's path: \`rayts run\` as a process with its store, spawn to exit, for a 1-task graph and for --fn-tasks no-op tasks (with --json and with the plain reporter), and \`rayts --version\` and \`--help\`, beside \`node -e 0\` measured in the same sitting. Then the executor alone, in this process: no-op fn tasks all at once (tasks/s), one at a time in a chain (latency p50, p99), and \`true\` commands (tasks/s), each beside the floors measured in the same run: a raw fork IPC round trip, unbatched no-op messages pipelined to --num-cpus workers, and a bare spawn loop at the same concurrency. The figures are end to end: a run of N tasks minus the run of a 1-task graph. Last, the live UI's cost: the tasks/s of a no-op run with the Ink UI drawing to a terminal, as a share of the tasks/s without it.`

  static override examples = [
    '<%= config.bin %> bench overhead',
    {description: 'Smaller and as JSON', command: '<%= config.bin %> bench overhead --fn-tasks 10000 --cmd-tasks 500 --json'},
  ]

  static override flags = {
    'fn-tasks': Flags.integer({description: 'no-op fn tasks submitted at once', default: defaultOverheadOptions.fnTasks}),
    'chain-tasks': Flags.integer({description: 'no-op fn tasks one at a time', default: defaultOverheadOptions.chainTasks}),
    'cmd-tasks': Flags.integer({description: '`true` commands', default: defaultOverheadOptions.cmdTasks}),
    'ui-tasks': Flags.integer({description: 'no-op fn tasks run with and without the live UI', default: defaultOverheadOptions.uiTasks}),
    'num-cpus': Flags.integer({description: 'CPU slots', default: availableParallelism()}),
    'startup-runs': Flags.integer({description: 'runs of each start-up measure (node -e 0, --version, --help, a 1-task graph); the median is reported', default: defaultOverheadOptions.startupRuns, min: 1}),
    json: Flags.boolean({description: 'the report as one JSON object on stdout'}),
    cluster: Flags.string({description: 'measure --fn-tasks no-op tasks through this cluster (Redis URL) instead', helpValue: 'URL'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(BenchOverhead)
    const progress = flags.json ? undefined : (line: string) => process.stderr.write(`… ${line}\n`)
    if (flags.cluster) {
      const {benchClusterOverhead, formatClusterOverhead} = await import('../../src/bench/cluster.js')
      const r = await benchClusterOverhead(flags.cluster, flags['fn-tasks'], progress)
      process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatClusterOverhead(r)}\n`)
      return
    }
    const report = await benchOverhead(
      {fnTasks: flags['fn-tasks'], chainTasks: flags['chain-tasks'], cmdTasks: flags['cmd-tasks'], uiTasks: flags['ui-tasks'], startupRuns: flags['startup-runs'], numCpus: flags['num-cpus']},
      progress,
    )
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatOverhead(report)}\n`)
  }
}
