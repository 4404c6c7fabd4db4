// `rayts run`'s command line read without oclif, so that the entry (main.ts) can start the
// run before oclif, its config and its plugins load: measured, that load was ~35 ms of a
// 1-task run's ~250 (Config.load alone) and oclif's code ~480 KB of the ~860 KB the run
// command compiled. Only the plain forms are read here: `--flag value`, `--flag=value`,
// `-n N`, `-t D`, `--no-color`, one GRAPH. Anything else (an unknown or repeated flag, a
// value that does not parse, `--`, `-n5`, a value starting with `-`, a second argument)
// answers null, and oclif reads the line as before, with its own messages. So this parser
// only has to agree with oclif where it answers: test/cli/run-argv.test.ts holds it to
// oclif's parse of commands/run.ts's flags on many lines, and to the same flag table.
import type {RunFlags} from './run-command.js'
import {durationValue, positiveValue, resourcesValue, storeMemoryValue} from './flag-values.js'

type FlagSpec =
  | {readonly type: 'boolean'; readonly allowNo?: true}
  | {readonly type: 'option'; readonly char?: string; readonly multiple?: true; readonly value: (input: string) => unknown}

const bool: FlagSpec = {type: 'boolean'}
const text = (input: string): string => input

/** oclif's Flags.integer */
function integerValue(input: string): number {
  if (!/^-?\d+$/.test(input)) throw new Error(`not an integer: ${input}`)
  return Number.parseInt(input, 10)
}

/** commands/run.ts's flags, by name */
export const RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'num-cpus': {type: 'option', value: positiveValue},
  resources: {type: 'option', value: resourcesValue},
  set: {type: 'option', multiple: true, value: text},
  timeline: {type: 'option', value: text},
  'fail-fast': bool,
  'num-returns': {type: 'option', char: 'n', value: integerValue},
  timeout: {type: 'option', char: 't', value: durationValue},
  json: bool,
  color: {type: 'boolean', allowNo: true},
  resume: {type: 'option', value: text},
  cluster: {type: 'option', value: text},
  'object-store-memory': {type: 'option', value: storeMemoryValue},
  'quiet-tasks': bool,
  'no-cache': bool,
  'run-id': {type: 'option', value: text},
  quiet: bool,
}

const BY_CHAR: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(RUN_FLAGS).flatMap(([name, spec]) => (spec.type === 'option' && spec.char ? [[spec.char, name]] : [])),
)

export interface ParsedRun {
  readonly graph: string | undefined
  readonly flags: RunFlags
}

/** `argv` after `run`, read as oclif would; null for any line this parser leaves to oclif */
export function parseRunArgv(argv: readonly string[]): ParsedRun | null {
  const flags: Record<string, unknown> = {}
  let graph: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-')) {
      if (graph !== undefined || arg === '') return null
      graph = arg
      continue
    }
    const flag = flagOf(arg)
    if (flag === null) return null
    const spec = RUN_FLAGS[flag.name]!
    const multiple = spec.type === 'option' && spec.multiple === true
    if (Object.hasOwn(flags, flag.name) && !multiple) return null
    if (spec.type === 'boolean') {
      if (flag.value !== undefined) return null
      flags[flag.name] = !flag.negated
      continue
    }
    const input = flag.value ?? argv[++i]
    if (input === undefined || input === '' || input.startsWith('-')) return null
    let value: unknown
    try {
      value = spec.value(input)
    } catch {
      return null
    }
    if (multiple) ((flags[flag.name] ??= []) as unknown[]).push(value)
    else flags[flag.name] = value
  }
  flags.color ??= true
  return {graph, flags: flags as unknown as RunFlags}
}

/** the flag `arg` names; `negated` only for `--no-X` of a boolean X that allows it */
function flagOf(arg: string): {name: string; value: string | undefined; negated: boolean} | null {
  if (!arg.startsWith('--')) {
    const name = arg.length === 2 ? BY_CHAR[arg[1]!] : undefined
    return name === undefined ? null : {name, value: undefined, negated: false}
  }
  const eq = arg.indexOf('=')
  const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
  const value = eq === -1 ? undefined : arg.slice(eq + 1)
  if (Object.hasOwn(RUN_FLAGS, name)) return {name, value, negated: false}
  const positive = name.startsWith('no-') ? name.slice(3) : ''
  const spec = Object.hasOwn(RUN_FLAGS, positive) ? RUN_FLAGS[positive] : undefined
  return spec?.type === 'boolean' && spec.allowNo ? {name: positive, value, negated: true} : null
}
