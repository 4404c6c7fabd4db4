import {Args} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base-command.js'
import {openStore} from '../../src/store/index.js'
import {entriesWithPrefix, removeEntries} from '../../src/store/result-cache.js'

export default class CacheRm extends BaseCommand {
  static override summary = 'Remove entries from the result cache'
  static override description = `Removes each KEY (a full key, or a prefix that names one entry, as rayts cache ls shows) from the result cache: the next run of its task computes it again. Runs are not touched. Every KEY must name exactly one entry, or nothing is removed.

Exit codes: 0 removed, 2 a KEY names no entry or several (or the run store cannot be used).`

  static override examples = [{description: 'Forget one result', command: '<%= config.bin %> cache rm 3f9a1c0d2e4b5a67'}]

  static override strict = false

  static override args = {
    key: Args.string({description: 'entry keys or prefixes', required: true, ignoreStdin: true}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(CacheRm)
    const store = openStore()
    try {
      const keys: string[] = []
      for (const prefix of argv as string[]) {
        const found = entriesWithPrefix(store, prefix.toLowerCase())
        if (found.length !== 1) this.fail(found.length === 0 ? `no cache entry ${prefix}` : `${prefix} names ${found.length} cache entries: give more of the key`, 'RAYTS_ERR_USAGE')
        keys.push(found[0]!)
      }
      const n = removeEntries(store, keys)
      this.log(`removed ${n} ${n === 1 ? 'entry' : 'entries'}`)
    } finally {
      store.close()
    }
  }
}
