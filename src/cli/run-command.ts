// What `rayts run` does once its command line is parsed: the same for its oclif command
// (commands/run.ts) and for the entry's fast path (main.ts, which parses with run-argv.ts).
import {checkBudget} from './budget-warning.js'
import {checkEnvSizes} from '../runtime/env-sizes.js'
import {parsePositive, parseResources} from './flag-values.js'
import {runFromCli} from '../runtime/run-from-cli.js'

/** `rayts run`'s flags as parsed: absent ones are undefined, --color defaults to true */
export interface RunFlags {
  readonly 'num-cpus'?: number | undefined
  readonly resources?: string | undefined
  readonly set?: readonly string[] | undefined
  readonly timeline?: string | undefined
  readonly 'fail-fast'?: boolean | undefined
  readonly 'num-returns'?: number | undefined
  readonly timeout?: number | undefined
  readonly json?: boolean | undefined
  readonly color: boolean
  readonly resume?: string | undefined
  readonly cluster?: string | undefined
  readonly 'object-store-memory'?: number | undefined
  readonly 'quiet-tasks'?: boolean | undefined
  readonly 'no-cache'?: boolean | undefined
  readonly 'run-id'?: string | undefined
  readonly quiet?: boolean | undefined
}

/** Run the graph; the exit code the command ends with. User errors are thrown (RaytsError). */
export async function runCommand(graph: string | undefined, flags: RunFlags): Promise<number> {
  checkEnvSizes(process.env, {homeBudget: true})
  const code = await runFromCli({
    graphFile: graph,
    set: flags.set ?? [],
    numCpus: flags['num-cpus'],
    resources: parseResources(flags.resources),
    failFast: flags['fail-fast'] ?? false,
    timeline: flags.timeline,
    numReturns: parsePositive('num-returns', flags['num-returns']),
    timeoutSeconds: flags.timeout,
    json: flags.json ?? false,
    color: flags.color,
    resume: flags.resume,
    runId: flags['run-id'],
    quiet: flags.quiet ?? false,
    quietTasks: flags['quiet-tasks'],
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cluster: flags.cluster,
    objectStoreMemory: flags['object-store-memory'],
    noCache: flags['no-cache'],
    exitNow: (code) => process.exit(code),
  })
  checkBudget(process.stderr)
  return code
}
