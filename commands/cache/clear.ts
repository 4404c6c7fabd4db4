import {BaseCommand} from '../../src/cli/base-command.js'
import {openStore} from '../../src/store/index.js'
import {clearEntries} from '../../src/store/result-cache.js'

export default class CacheClear extends BaseCommand {
  static override summary = 'Remove every entry of the result cache'
  static override description = `Empties the result cache in $RAYTS_HOME: every task with cache: true runs again on its next run. Runs and their results are kept, and so are rayts's internal caches (cache/exports, cache/ts).

Exit codes: 0 cleared, 2 the run store cannot be used.`

  static override examples = [{description: 'Start afresh', command: '<%= config.bin %> cache clear'}]

  async run(): Promise<void> {
    await this.parse(CacheClear)
    const store = openStore()
    try {
      const n = clearEntries(store)
      this.log(`removed ${n} ${n === 1 ? 'entry' : 'entries'}`)
    } finally {
      store.close()
    }
  }
}
