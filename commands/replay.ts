import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {runArg} from '../src/cli/flags.js'
import {openForRun} from '../src/cli/open-run.js'
import {formatTaskError, formatValue} from '../src/cli/print.js'
import {ExitCode} from '../src/core/exit-codes.js'
import {planReplay, runReplay} from '../src/runtime/replay.js'

export default class Replay extends BaseCommand {
  static override summary = 'Run one fn instance of a run again, with the arguments it was given'
  static override description = `Calls the function of instance REF again in a fresh process (no pool), with the argument values it was given: its inputs' stored results (big values from the run's kept objects; nothing upstream runs again), and its env, cwd and num_returns. Prints its result on stdout (exit 0), or its error with the stack (exit 1); what it prints goes to stderr. Its timeout does not apply; Ctrl-C ends it (exit 130). --inspect starts it under the Node inspector, paused (--inspect-brk on 127.0.0.1): attach Chrome DevTools (chrome://inspect) or VS Code and step through it; TypeScript modules load with source maps, so breakpoints land in the .ts file.

If the module (or the graph file) changed since the run, it says so and replays today's code. A cluster run replays on this machine. A cmd task is not replayed: its command, env and cwd are printed to run by hand (exit 2); neither is an instance whose inputs were not kept (exit 2).`

  static override examples = [
    {description: 'Call add[2] of the newest run again', command: '<%= config.bin %> replay last add[2]'},
    {description: 'Step through it in Chrome DevTools', command: '<%= config.bin %> replay last add[2] --inspect'},
  ]

  static override args = {
    run: runArg(),
    ref: Args.string({description: 'the instance: ID or ID[i]', required: true, ignoreStdin: true}),
  }

  static override flags = {
    inspect: Flags.boolean({description: 'run it under the Node inspector, paused at start (--inspect-brk on 127.0.0.1)'}),
    'inspect-port': Flags.integer({description: 'the inspector port (0: a free one)', default: 9229, min: 0, max: 65535, helpValue: 'PORT'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Replay)
    const {store, runId} = openForRun(args.run)
    let plan
    try {
      plan = planReplay(store, runId, args.ref)
    } finally {
      store.close()
    }
    if (plan.kind === 'cmd') {
      const command = 'argv' in plan.command ? plan.command.argv.map(shellQuote).join(' ') : plan.command.shell
      const env = Object.entries(plan.env).map(([k, v]) => `${k}=${shellQuote(v)}`)
      process.stderr.write(`${plan.name} is a cmd task: replay runs fn tasks only. To run it again by hand:\n`)
      process.stderr.write(`  cd ${shellQuote(plan.cwd)}\n  ${[...env, command].join(' ')}\n`)
      this.exit(ExitCode.Usage)
    }
    for (const note of plan.notes) process.stderr.write(`rayts: ${note}\n`)
    if (flags.inspect) process.stderr.write(`rayts: ${plan.name} waits for a debugger on 127.0.0.1 (chrome://inspect, or VS Code: attach)\n`)
    const out = await runReplay(plan, {inspectPort: flags.inspect ? flags['inspect-port'] : undefined, output: process.stderr, env: process.env})
    if (out.ok) {
      this.log(formatValue(out.value))
      return
    }
    if (out.error.kind === 'cancelled') {
      process.stderr.write(`${out.error.message}\n`)
      this.exit(ExitCode.Interrupted)
    }
    process.stderr.write(`${formatTaskError(args.ref, plan.name, out.error)}\n`)
    this.exit(ExitCode.TaskFailed)
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`
}
