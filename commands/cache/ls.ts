import {BaseCommand} from '../../src/cli/base-command.js'
import {jsonFlag} from '../../src/cli/flags.js'
import {localTime, table} from '../../src/cli/print.js'
import {openStore} from '../../src/store/index.js'
import {formatBytes} from '../../src/format/units.js'
import {listEntries} from '../../src/store/result-cache.js'

export default class CacheLs extends BaseCommand {
  static override summary = 'List the result cache\'s entries'
  static override description = `Every entry of the result cache in $RAYTS_HOME (results of tasks with cache: true), most recently used first: its key, size, the instance and run that computed it, and when it was last used. The run may have been removed since: an entry owns its value.

Exit codes: 0 listed, 2 the run store cannot be used.`

  static override examples = [{description: 'What the cache holds', command: '<%= config.bin %> cache ls'}]

  static override flags = {
    json: jsonFlag('a JSON array of {key, bytes, runId, name, task, createdMs, usedMs}'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CacheLs)
    const store = openStore()
    try {
      const entries = listEntries(store)
      if (flags.json) {
        this.log(JSON.stringify(entries))
        return
      }
      if (entries.length === 0) {
        this.log('the result cache is empty')
        return
      }
      this.log(table(['KEY', 'SIZE', 'INSTANCE', 'RUN', 'USED'], entries.map((e) => [e.key.slice(0, 16), formatBytes(e.bytes), e.name, e.runId, localTime(e.usedMs)])))
      const total = entries.reduce((n, e) => n + e.bytes, 0)
      this.log(`\n${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, ${formatBytes(total)}`)
    } finally {
      store.close()
    }
  }
}
