import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {countFlag, durationFlag, jsonFlag} from '../src/cli/flags.js'
import {printRemoved} from '../src/cli/removed.js'
import {openStore} from '../src/store/index.js'
import {pruneCandidates, pruneRuns} from '../src/store/upkeep/remove.js'

export default class Prune extends BaseCommand {
  static override summary = 'Remove old finished runs from the store'
  static override description = `Removes finished runs (succeeded, failed, cancelled, lost) from $RAYTS_HOME: all but the newest N with --keep N, or those that ended more than D ago with --older-than D. Runs that are submitted or running are never removed.

The store also has a size budget (1 GiB unless $RAYTS_HOME_BUDGET says otherwise, e.g. 500MiB, 5G or off): when a run or submit ends with the store over it, the oldest finished runs are removed (never the newest) and a warning says which.

Exit codes: 0 done (also when nothing matched), 2 usage error (or the run store cannot be used).`

  static override examples = [
    {description: 'Keep the 20 newest finished runs', command: '<%= config.bin %> prune --keep 20'},
    {description: 'Remove runs that ended more than a week ago', command: '<%= config.bin %> prune --older-than 168h'},
    {description: 'See what would go', command: '<%= config.bin %> prune --keep 5 --dry-run'},
  ]

  static override flags = {
    keep: countFlag({description: 'keep the newest N finished runs, remove the rest', exactlyOne: ['keep', 'older-than']}),
    'older-than': durationFlag({description: 'remove finished runs that ended more than D ago (seconds, or 30m, 24h)', exactlyOne: ['keep', 'older-than']}),
    'dry-run': Flags.boolean({description: 'print what would be removed, remove nothing'}),
    json: jsonFlag('print {removed: [{id, state, fileBytes}]} as JSON'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Prune)
    const rule = {keep: flags.keep, olderThanMs: flags['older-than'] === undefined ? undefined : flags['older-than'] * 1000}
    const store = openStore()
    try {
      const removed = flags['dry-run']
        ? pruneCandidates(store, rule).map((r) => ({id: r.id, state: r.state, fileBytes: 0}))
        : pruneRuns(store, rule)
      printRemoved(this, removed, flags.json, flags['dry-run'])
    } finally {
      store.close()
    }
  }
}
