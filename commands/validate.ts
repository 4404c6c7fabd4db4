import {BaseCommand} from '../src/cli/base-command.js'
import {exitCodeOf} from '../src/core/errors.js'
import {graphArg, jsonFlag, setFlag} from '../src/cli/flags.js'
import {cacheWarnings, compileGraphFile, formatProblem, displayPath, type Problem} from '../src/graph/index.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check graph files without running them'
  static override description = `Parses, validates and compiles each GRAPH. Prints one line per file on stdout, and every problem on stderr as FILE:LINE:COL: message.

Exit codes: 0 every file is valid, 2 a file has problems.`

  static override examples = [
    {description: 'Check one graph', command: '<%= config.bin %> validate graphs/arrays.yaml'},
    {description: 'Check every example', command: '<%= config.bin %> validate graphs/*.yaml'},
    {description: 'Check with an override applied', command: '<%= config.bin %> validate graphs/options.yaml --set tasks.third.timeout=2s'},
    {description: 'Machine-readable results', command: '<%= config.bin %> validate graphs/*.yaml --json'},
  ]

  static override strict = false

  static override args = {
    graph: graphArg('graph file(s) (YAML)'),
  }

  static override flags = {
    set: setFlag,
    json: jsonFlag('a JSON array of {file, ok, tasks, instances, problems} on stdout'),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    const files = argv as string[]
    const results: {file: string; ok: boolean; tasks: number; instances: number; problems: Problem[]}[] = []
    for (const file of files) {
      const r = compileGraphFile(file, {set: flags.set ?? []})
      if (r.ok) {
        for (const w of cacheWarnings(r.graph, displayPath(r.graph.file))) process.stderr.write(`${w}\n`)
        results.push({file, ok: true, tasks: r.graph.tasks.length, instances: r.graph.instances.length, problems: []})
      } else {
        results.push({file, ok: false, tasks: 0, instances: 0, problems: r.problems.map((p) => ({...p, file: displayPath(p.file)}))})
      }
    }
    if (flags.json) {
      process.stdout.write(JSON.stringify(results, null, 2) + '\n')
    } else {
      for (const r of results) {
        if (r.ok) {
          process.stdout.write(`${r.file}: ok, ${plural(r.tasks, 'task')} (${plural(r.instances, 'instance')})\n`)
        } else {
          process.stdout.write(`${r.file}: ${plural(r.problems.length, 'problem')}\n`)
          for (const p of r.problems) process.stderr.write(formatProblem(p) + '\n')
        }
      }
    }
    if (results.some((r) => !r.ok)) this.exit(exitCodeOf('RAYTS_ERR_GRAPH'))
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
