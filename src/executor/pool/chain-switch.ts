// The switch of chain fusion (types.ts, FnChain): on unless $RAYTS_CHAIN is 0, so that a
// benchmark or a test can compare both paths.
export function chainsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RAYTS_CHAIN !== '0'
}
