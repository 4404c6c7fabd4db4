// After `rayts autocomplete` builds its cache, replace the plugin's bash function with
// rayts' own (see ../completion/bash.ts for what the plugin's gets wrong).
import type {Hook} from '@oclif/core'

const hook: Hook<'postrun'> = async function (opts) {
  const id = opts.Command?.id ?? ''
  if (id !== 'autocomplete' && id !== 'autocomplete:create') return
  const {writeBashCompletion} = await import('../completion/bash.js')
  await writeBashCompletion(opts.config)
}

export default hook
