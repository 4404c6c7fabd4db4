// Running `rayts bench ...` through bin/dev.js for the bench tests, in a temporary RAYTS_HOME.
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function rayts(home: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'bin/dev.js'), ...args],
      {cwd: root, timeout: 380_000, maxBuffer: 16 << 20, env: {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'}},
      (_error, stdout, stderr) => resolve({code: child.exitCode, stdout, stderr}),
    )
  })
}
