// Running the real CLI in tests: from the sources (bin/dev.js through tsx) or built
// (bin/run.js, after `npm run build`), with $RAYTS_HOME in a temporary folder.
import {execa, type Options} from 'execa'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DEV = join(ROOT, 'bin/dev.js')
export const BUILT = join(ROOT, 'bin/run.js')
export const isBuilt = (): boolean => existsSync(join(ROOT, 'dist/src/cli/main.js')) && existsSync(join(ROOT, 'dist/commands/rm.js'))

export interface Cli {
  (args: readonly string[], env?: Record<string, string>, options?: Options): ReturnType<typeof execa>
}

/** A CLI bound to a fresh home; `bin` picks the entry (bin/dev.js by default). */
export function tempCli(bin: string = DEV): {cli: Cli; home: string; base: string; cleanup: () => void} {
  const base = mkdtempSync(join(tmpdir(), 'rayts-cli-'))
  const home = join(base, 'home')
  const cli: Cli = (args, env = {}, options = {}) =>
    execa('node', [...(bin === DEV ? ['--import', 'tsx'] : []), bin, ...args], {
      cwd: ROOT,
      // ava sets NODE_ENV=test, which makes oclif look for TypeScript sources beside dist/
      env: {RAYTS_HOME: home, RAYTS_CACHE_DIR: join(base, 'cache'), OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', ...(bin === DEV ? {} : {NODE_ENV: ''}), ...env},
      reject: false,
      timeout: 120_000,
      stdin: 'ignore',
      ...options,
    })
  return {cli, home, base, cleanup: () => rmSync(base, {recursive: true, force: true})}
}

/** A stack trace, or oclif's other error styles (`›   Error:`), anywhere in `text`. */
export function hasStackOrOtherStyle(text: string): boolean {
  return /\n\s+at |›|^\s+Error:|SqliteError|Caused by/m.test(text)
}
