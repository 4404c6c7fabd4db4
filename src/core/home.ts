// Where rayts keeps what it keeps: $RAYTS_HOME (default ~/.rayts), a folder only its owner
// may read. The store, the compiler's caches and the workers' caches all live there.
import {chmodSync, mkdirSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

export function raytsHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.RAYTS_HOME
  return h && h.length > 0 ? resolve(h) : join(homedir(), '.rayts')
}

/** Create `dir` (and parents) as 0700; tighten it when it exists and we own it. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const st = statSync(dir)
  if ((st.mode & 0o777) !== 0o700 && st.uid === process.getuid?.()) chmodSync(dir, 0o700)
}
