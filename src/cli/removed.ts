// How rm and prune report the runs they removed: one line per run on stdout, a total on stderr.
import {formatBytes} from '../format/units.js'
import type {RemovedRun} from '../store/upkeep/remove.js'

export function printRemoved(cmd: {log(line: string): void}, removed: readonly RemovedRun[], json: boolean, dryRun: boolean): void {
  if (json) {
    cmd.log(JSON.stringify({removed, dryRun}))
    return
  }
  const verb = dryRun ? 'would remove' : 'removed'
  for (const r of removed) cmd.log(`${verb} ${r.id} (${r.state})`)
  const files = removed.reduce((n, r) => n + r.fileBytes, 0)
  process.stderr.write(
    removed.length === 0
      ? 'no runs to remove\n'
      : `${verb} ${removed.length} run${removed.length === 1 ? '' : 's'}${dryRun ? '' : `, ${formatBytes(files)} of result files`}\n`,
  )
}
