// The entry reads a plain `rayts run` command line itself (src/cli/run-argv.ts) and leaves
// every other line to oclif. Where it answers, it must answer what oclif's parse of
// commands/run.ts's flags answers; and it must know exactly those flags.
import test from 'ava'
import {Parser} from '@oclif/core'
import Run from '../../commands/run.js'
import {parseRunArgv, RUN_FLAGS} from '../../src/cli/run-argv.js'

interface OclifFlag {
  readonly type: 'boolean' | 'option'
  readonly char?: string
  readonly multiple?: boolean
  readonly allowNo?: boolean
  readonly default?: unknown
  readonly [key: string]: unknown
}

const oclifFlags = Run.flags as unknown as Record<string, OclifFlag>

async function oclifParse(argv: string[]): Promise<{graph: string | undefined; flags: Record<string, unknown>} | Error> {
  try {
    const {args, flags} = await Parser.parse(argv, {flags: Run.flags, args: Run.args, strict: true})
    return {graph: args.graph, flags: defined(flags)}
  } catch (error) {
    return error as Error
  }
}

const defined = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

// lines the fast parse reads itself
const FAST: string[][] = [
  ['g.yaml'],
  [],
  ['g.yaml', '--json'],
  ['--json', 'g.yaml'],
  ['g.yaml', '--num-cpus', '3'],
  ['g.yaml', '--num-cpus=0.5'],
  ['g.yaml', '--resources', 'gpu=1,mem=4'],
  ['g.yaml', '--set', 'a.b=1', '--set', 'c=2'],
  ['--set', 'a=1', 'g.yaml'],
  ['--set=a=1', 'g.yaml', '--set=b=x y'],
  ['g.yaml', '--timeline', 'trace.json'],
  ['g.yaml', '--fail-fast'],
  ['g.yaml', '-n', '2'],
  ['g.yaml', '--num-returns', '3', '-t', '2.5'],
  ['g.yaml', '--timeout=1m'],
  ['g.yaml', '--timeout', '250ms', '--num-returns=1'],
  ['g.yaml', '--no-color'],
  ['g.yaml', '--color'],
  ['--resume', 'last'],
  ['--resume=0abc'],
  ['g.yaml', '--cluster', 'redis://localhost:6379'],
  ['g.yaml', '--object-store-memory', '64MiB'],
  ['g.yaml', '--object-store-memory=1000'],
  ['g.yaml', '--quiet-tasks', '--no-cache'],
  ['g.yaml', '--run-id', '0mxyz', '--quiet'],
  ['g.yaml', '--json', '--fail-fast', '--quiet-tasks', '--no-color', '-n', '4', '--set', 'x=1'],
  ['graphs/a b.yaml', '--timeline', 'x.html'],
  ['g.yaml', '-n', '0'],
  ['g.yaml', '--num-returns', '007'],
]

// lines left to oclif: it refuses them, or reads them in a way the fast parse does not
const SLOW: string[][] = [
  ['g.yaml', '--no-such-flag'],
  ['g.yaml', 'h.yaml'],
  ['g.yaml', '--json', '--json'],
  ['g.yaml', '--color', '--no-color'],
  ['g.yaml', '--num-cpus', '0'],
  ['g.yaml', '--num-cpus', 'x'],
  ['g.yaml', '--num-cpus', '1', '--num-cpus', '2'],
  ['g.yaml', '--timeout', 'soon'],
  ['g.yaml', '--resources', 'gpu'],
  ['g.yaml', '--object-store-memory', 'lots'],
  ['g.yaml', '-n', 'x'],
  ['g.yaml', '-n', '1.5'],
  ['g.yaml', '-n', '-1'],
  ['g.yaml', '-n2'],
  ['g.yaml', '-n=2'],
  ['g.yaml', '-x'],
  ['g.yaml', '--timeline'],
  ['g.yaml', '--timeline', '--json'],
  ['g.yaml', '--json=true'],
  ['g.yaml', '--no-json'],
  ['g.yaml', '--no-fail-fast'],
  ['g.yaml', '--no-num-cpus', '2'],
  ['--', 'g.yaml'],
  ['g.yaml', '--', '--json'],
  ['-'],
  [''],
  ['g.yaml', '--set'],
  ['g.yaml', '--set', '-x=1'],
  ['g.yaml', '--timeline='],
  ['g.yaml', '--help'],
  ['g.yaml', '--version'],
]

for (const argv of FAST) {
  test(`fast and agrees with oclif: run ${JSON.stringify(argv)}`, async (t) => {
    const fast = parseRunArgv(argv)
    t.not(fast, null)
    const slow = await oclifParse(argv)
    t.false(slow instanceof Error, String(slow))
    t.deepEqual({graph: fast!.graph, flags: defined(fast!.flags)}, slow)
  })
}

for (const argv of SLOW) {
  test(`left to oclif: run ${JSON.stringify(argv)}`, (t) => {
    t.is(parseRunArgv(argv), null)
  })
}

test('the fast parse knows exactly commands/run.ts\'s flags, and each the way oclif reads it', (t) => {
  t.deepEqual(Object.keys(RUN_FLAGS).sort(), Object.keys(oclifFlags).sort())
  for (const [name, flag] of Object.entries(oclifFlags)) {
    const spec = RUN_FLAGS[name]!
    t.is(spec.type, flag.type, name)
    if (spec.type === 'boolean') t.is(spec.allowNo === true, flag.allowNo === true, name)
    else {
      t.is(spec.char, flag.char, name)
      t.is(spec.multiple === true, flag.multiple === true, name)
    }
    // what the fast parse does not read: oclif would apply it, and the two would part
    for (const key of ['env', 'dependsOn', 'exclusive', 'exactlyOne', 'relationships', 'options', 'aliases', 'charAliases', 'allowStdin', 'delimiter', 'deprecated']) {
      t.is(flag[key], undefined, `${name}.${key}`)
    }
    t.false(flag.required === true, `${name} required`)
    t.is(flag.default, name === 'color' ? true : undefined, `${name} default`)
  }
  const args = Object.entries(Run.args)
  t.is(args.length, 1)
  t.is(args[0]![1].required, false)
})
