import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {GraphError} from '../src/cli/errors.js'
import {graphArg, setFlag} from '../src/cli/flags.js'
import {compileGraphFile, draw, formatProblem, FORMATS} from '../src/graph/index.js'

export default class Graph extends BaseCommand {
  static override summary = 'Draw the compiled task graph (DOT, Mermaid or JSON)'
  static override description = `Compiles GRAPH and prints its DAG: one node per task instance, an edge from each dependency. DOT renders with Graphviz, Mermaid renders in GitHub markdown, JSON holds the resolved options too. A dynamic fan-out is drawn as one node, ID[*].

Exit codes: 0 ok, 2 the graph has problems (printed on stderr as FILE:LINE:COL: message).`

  static override examples = [
    {description: 'Render with Graphviz', command: '<%= config.bin %> graph graphs/arrays.yaml | dot -Tsvg -o arrays.svg'},
    {description: 'A Mermaid flowchart for a README', command: '<%= config.bin %> graph graphs/arrays-wait.yaml --format mermaid'},
    {description: 'Instances, edges and resolved options as JSON', command: '<%= config.bin %> graph graphs/options.yaml --format json --set defaults.max_retries=0'},
  ]

  static override args = {
    graph: graphArg(),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'output format', options: [...FORMATS], default: 'dot'}),
    set: setFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Graph)
    const r = compileGraphFile(args.graph, {set: flags.set ?? []})
    if (!r.ok) throw new GraphError(r.problems.map((p) => formatProblem(p)))
    process.stdout.write(draw(r.graph, flags.format as (typeof FORMATS)[number]))
  }
}
