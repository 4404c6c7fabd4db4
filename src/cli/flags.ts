// Flags and args that several commands take, defined once: the same name, short letter,
// help text and validation everywhere. Short letters: -n --num-returns, -t --timeout,
// -f --follow (--format where there is no --follow), -o --output.
// A repeatable flag takes one value per use (`--set A --set B`), so it never swallows
// the GRAPH argument that follows it.
import {Args, Flags} from '@oclif/core'
import {countValue, durationValue, positiveValue, resourcesValue, storeMemoryValue} from './flag-values.js'

/** A duration in seconds. */
export const durationFlag = Flags.custom<number>({helpValue: 'D', parse: async (input) => durationValue(input)})

/** A number greater than 0 (fractions allowed). */
const positiveFlag = Flags.custom<number>({helpValue: 'N', parse: async (input) => positiveValue(input)})

/** An integer greater than 0. */
export const countFlag = Flags.custom<number>({helpValue: 'N', parse: async (input) => countValue(input)})

export const setFlag = Flags.string({
  description: 'override a graph value, PATH=VALUE (repeat the flag for more)',
  multiple: true,
  multipleNonGreedy: true,
  helpValue: 'tasks.id3.timeout=5s',
})

export const numCpusFlag = positiveFlag({description: "CPU slots (fractions allowed); default: the machine's cores"})

/** `gpu=1,mem=4`, checked here; parseResources turns it into {gpu: 1, mem: 4}. */
export const resourcesFlag = Flags.custom<string>({
  description: 'other slots, name=N,...',
  helpValue: 'gpu=1,mem=4',
  parse: async (input) => resourcesValue(input),
})()

export const jsonFlag = (description: string) => Flags.boolean({description})
export const followFlag = (description: string) => Flags.boolean({char: 'f', description})
/** Any whole number: `wait` reports N <= 0 in Ray's words, `run` in its own. */
export const numReturnsFlag = (description: string) => Flags.integer({char: 'n', description, helpValue: 'N'})
export const timeoutFlag = (description: string) => durationFlag({char: 't', description})

export const runArg = (description = 'run id or last') => Args.string({description, required: true, ignoreStdin: true})
export const graphArg = (description = 'graph file (YAML)') => Args.string({description, required: true, ignoreStdin: true})
export const optionalGraphArg = (description: string) => Args.string({description, required: false, ignoreStdin: true})

/** `--object-store-memory`: bytes, with an optional unit (format/units.ts) */
export const objectStoreMemoryFlag = Flags.custom<number>({
  description: "tmpfs (/dev/shm) a run's big values may use before they spill to disk under $RAYTS_HOME (default: 30% of memory, at most half of /dev/shm; also $RAYTS_OBJECT_STORE_MEMORY)",
  helpValue: 'SIZE',
  parse: async (input) => storeMemoryValue(input),
})()
