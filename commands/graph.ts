import {Args, Command, Flags} from '@oclif/core'
import {compileGraphFile, draw, formatProblem, FORMATS} from '../src/graph/index.js'

export default class Graph extends Command {
  static override summary = 'Draw the compiled task graph (DOT, Mermaid or JSON)'
  static override description = `Compiles GRAPH and prints its DAG: one node per task instance, an edge from each dependency. DOT renders with Graphviz, Mermaid renders in GitHub markdown, JSON holds the resolved options too. A dynamic fan-out is drawn as one node, ID[*].

Exit codes: 0 ok, 2 the graph has problems (printed on stderr as FILE:LINE:COL: message).`

  static override examples = [
    {description: 'Render with Graphviz', command: '<%= config.bin %> graph graphs/arrays.yaml | dot -Tsvg -o arrays.svg'},
    {description: 'A Mermaid flowchart for a README', command: '<%= config.bin %> graph graphs/arrays-wait.yaml --format mermaid'},
    {description: 'Instances, edges and resolved options as JSON', command: '<%= config.bin %> graph graphs/options.yaml --format json --set defaults.max_retries=0'},
  ]

  static override args = {
    graph: Args.string({description: 'graph file (YAML)', required: true}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'output format', options: [...FORMATS], default: 'dot'}),
    set: Flags.string({description: 'override a graph value, PATH=VALUE (repeatable)', multiple: true, helpValue: 'tasks.id3.timeout=5s'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Graph)
    const r = compileGraphFile(args.graph, {set: flags.set ?? []})
    if (!r.ok) {
      for (const p of r.problems) process.stderr.write(formatProblem(p) + '\n')
      this.exit(2)
      return
    }
    process.stdout.write(draw(r.graph, flags.format as (typeof FORMATS)[number]))
  }
}
