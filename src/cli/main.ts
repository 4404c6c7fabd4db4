// The entry of bin/run.js and bin/dev.js. `rayts run` starts its pool first, so that its
// first worker boots on the other core while the compiler and the store load; a plain
// `rayts run` command line (run-argv.ts) then runs without loading oclif at all
// (run-direct.ts). Every other command line goes to oclif (oclif-run.ts), which starts
// nothing else.
import {runsGraphHere} from './early-start.js'
import {watchUnsettled} from './unsettled.js'

export async function main(dir: string, development: boolean): Promise<void> {
  const argv = process.argv.slice(2)
  const settled = watchUnsettled(process.stderr, `rayts ${argv[0] ?? ''}`.trim())
  try {
    const early = runsGraphHere(argv, process.env) ? await import('../runtime/early-executor.js') : null
    early?.startEarlyPool()
    const direct = early ? (await import('./run-argv.js')).parseRunArgv(argv.slice(1)) : null
    if (direct && early) {
      const {runDirect} = await import('./run-direct.js')
      return await runDirect(direct, development, async () => early.discardEarlyPool())
    }
    const {runOclif} = await import('./oclif-run.js')
    // a pool the command did not take (it ended before running a graph) is stopped
    await runOclif(argv, dir, development, async () => early?.discardEarlyPool())
  } finally {
    settled()
  }
}
