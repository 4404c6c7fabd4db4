// `rayts ARGS` from the sources (bin/dev.js), synchronously, with its store in `home`.
import {type SpawnSyncReturns, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {root} from './tmux.js'

export function raytsIn(home: string): (...args: string[]) => SpawnSyncReturns<string> {
  return (...args) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bin/dev.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
      env: {...process.env, RAYTS_HOME: home, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1'},
    })
}
