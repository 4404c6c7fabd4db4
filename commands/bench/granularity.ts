import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base-command.js'
import {availableParallelism} from 'node:os'
import {benchGranularity, defaultGranularityOptions} from '../../src/bench/granularity.js'
import {formatGranularity, granularityChart, machineLine, noiseLines, targetLines} from '../../src/bench/granularity-format.js'
import {parseFanInShapes, parseSizes} from '../../src/bench/granularity-work.js'
import {plotFormatOf, renderTextPlot, writePlot} from '../../src/bench/plot/index.js'

export default class BenchGranularity extends BaseCommand {
  static override summary = "Task granularity: make_array(n) run locally vs. as rayts tasks (Ray's lesson)"
  static override description = `Times --trials calls of make_array(n) (n standard-normal numbers as a Float64Array) in a loop in this process ("local"), and as --trials \`.remote()\` calls then one \`ray.get\` in one warm library session ("remote", the lesson's form), for each n; then the per-run form (a graph of --trials tasks run through a run store on a warm pool) and the fan-in case (arrays feed one consumer task, timed as \`rayts run\` processes less a 1-task run). Prints the tables, runner CPU per task, RSS, the targets of the lesson, the n from which the tasks are faster, and a log-log chart marking it. Prints the table, the n from which the tasks are faster, and a log-log chart; --plot writes the chart as SVG or HTML.`

  static override examples = [
    '<%= config.bin %> bench granularity',
    {description: 'Two sizes, a few trials, as JSON', command: '<%= config.bin %> bench granularity --trials 10 --sizes 100,10000 --json'},
    {description: 'Save the chart', command: '<%= config.bin %> bench granularity --plot granularity.html'},
  ]

  static override flags = {
    trials: Flags.integer({description: 'calls of make_array(n) per size', default: defaultGranularityOptions.trials, min: 1}),
    sizes: Flags.string({description: 'comma-separated n values (default: 100,200,300,500,800,1000,…,80000)'}),
    'num-cpus': Flags.integer({description: 'CPU slots (workers)', default: availableParallelism(), min: 1}),
    plot: Flags.string({description: 'also write the chart to this .svg or .html file'}),
    json: Flags.boolean({description: 'the report as one JSON object on stdout'}),
    'fan-in-sizes': Flags.string({description: 'shapes of the fan-in case, NxCALLS (CALLS arrays of N doubles feed one task, timed as `rayts run`s; a bare N takes --trials calls; default: 3000x2000,80000x200)'}),
    'fan-in-runs': Flags.integer({description: '`rayts run`s of each fan-in size, median taken (0: skip the fan-in case)', default: defaultGranularityOptions.fanInRuns, min: 0}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(BenchGranularity)
    if (flags.plot && !plotFormatOf(flags.plot)) this.fail(`--plot ${flags.plot}: the file must end in .svg or .html`, 'RAYTS_ERR_USAGE')
    let sizes = defaultGranularityOptions.sizes
    if (flags.sizes !== undefined) {
      try {
        sizes = parseSizes(flags.sizes)
      } catch (error) {
        this.fail(`--sizes: ${(error as Error).message}`, 'RAYTS_ERR_USAGE')
      }
    }
    let fanIn = defaultGranularityOptions.fanIn
    if (flags['fan-in-sizes'] !== undefined) {
      try {
        fanIn = parseFanInShapes(flags['fan-in-sizes'], flags.trials)
      } catch (error) {
        this.fail(`--fan-in-sizes: ${(error as Error).message}`, 'RAYTS_ERR_USAGE')
      }
    }
    const progress = flags.json ? undefined : (line: string) => process.stderr.write(`… ${line}\n`)
    const report = await benchGranularity({trials: flags.trials, sizes, numCpus: flags['num-cpus'], fanIn, fanInRuns: flags['fan-in-runs']}, progress)
    const chart = granularityChart(report)
    if (flags.plot) writePlot(flags.plot, chart, [report.crossing.message, ...noiseLines(report), machineLine(report), `remote = ${report.remoteMeasures}`, ...targetLines(report)])
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatGranularity(report, renderTextPlot(chart))}\n`)
    if (flags.plot && !flags.json) process.stderr.write(`chart written to ${flags.plot}\n`)
  }
}
