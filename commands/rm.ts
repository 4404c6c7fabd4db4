import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base-command.js'
import {jsonFlag} from '../src/cli/flags.js'
import {printRemoved} from '../src/cli/removed.js'
import {openStore} from '../src/store/index.js'
import {removeRuns} from '../src/store/upkeep/remove.js'

export default class Rm extends BaseCommand {
  static override summary = 'Remove runs from the store'
  static override description = `Removes each RUN from $RAYTS_HOME: its record, tasks, attempts, results, logs and events, and its result files. A run that is submitted or running is refused (stop it first with rayts cancel); then nothing is removed.

Exit codes: 0 removed, 2 an unknown or active run (or the run store cannot be used).`

  static override examples = [
    {description: 'The newest run', command: '<%= config.bin %> rm last'},
    {description: 'Two runs by id', command: '<%= config.bin %> rm 0mwwr8k2abcd 0mwwr9x1efgh'},
  ]

  static override strict = false

  static override args = {
    run: Args.string({description: 'run ids (or last)', required: true, ignoreStdin: true}),
  }

  static override flags = {
    json: jsonFlag('print {removed: [{id, state, fileBytes}]} as JSON'),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Rm)
    const store = openStore()
    try {
      printRemoved(this, removeRuns(store, argv as string[]), flags.json, false)
    } finally {
      store.close()
    }
  }
}
