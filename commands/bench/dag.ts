import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base-command.js'
import {availableParallelism} from 'node:os'
import {benchDag, defaultDagOptions, parseShapes} from '../../src/bench/dag.js'
import {formatDag} from '../../src/bench/dag-format.js'
import {parseSizes} from '../../src/bench/granularity-work.js'

export default class BenchDag extends BaseCommand {
  static override summary = 'Scale: no-op graphs of 1k, 10k, 100k tasks, wide, deep and fan-in'
  static override description = `Runs graphs of no-op fn tasks in three shapes: wide (independent tasks), deep (a chain, each task fed the previous result) and fan-in (a binary reduction tree over n/2 leaves). Each graph is compiled and run in a fresh process, so its peak RSS is its own. Reports wall time, compile time, scheduler time per task (CPU time of the rayts process during the run / tasks) and peak RSS.`

  static override examples = [
    '<%= config.bin %> bench dag',
    {description: 'Only chains, as JSON', command: '<%= config.bin %> bench dag --shapes deep --sizes 1000,10000 --json'},
    {description: 'Profile the rayts process of each graph', command: '<%= config.bin %> bench dag --sizes 100000 --cpu-prof prof/'},
  ]

  static override flags = {
    sizes: Flags.string({description: 'comma-separated task counts', default: defaultDagOptions.sizes.join(',')}),
    shapes: Flags.string({description: 'comma-separated shapes: wide, deep, fan-in', default: defaultDagOptions.shapes.join(',')}),
    'num-cpus': Flags.integer({description: 'CPU slots (workers)', default: availableParallelism(), min: 1}),
    'cpu-prof': Flags.string({description: 'write a V8 CPU profile (.cpuprofile) of each graph\'s rayts process into this folder'}),
    json: Flags.boolean({description: 'the report as one JSON object on stdout'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(BenchDag)
    let sizes: number[] = []
    let shapes = defaultDagOptions.shapes
    try {
      sizes = parseSizes(flags.sizes)
      shapes = parseShapes(flags.shapes)
    } catch (error) {
      this.fail((error as Error).message, 'RAYTS_ERR_USAGE')
    }
    const progress = flags.json ? undefined : (line: string) => process.stderr.write(`… ${line}\n`)
    const report = await benchDag({sizes, shapes, numCpus: flags['num-cpus'], cpuProfDir: flags['cpu-prof']}, progress)
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatDag(report)}\n`)
  }
}
