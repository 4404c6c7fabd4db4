// Which command lines start the local pool at the entry (main.ts), before oclif, the
// compiler and the store load: `rayts run` (and so submit's detached `rayts run --run-id`)
// on this machine. Not its --help, not a run on a cluster: nothing starts that they do not
// need. Reads argv only; imports nothing.

export function runsGraphHere(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== 'run' || env.RAYTS_CLUSTER) return false
  for (const a of argv) {
    if (a === '--') break
    if (a === '--help' || a === '-h' || a === '--cluster' || a.startsWith('--cluster=')) return false
  }
  return true
}
