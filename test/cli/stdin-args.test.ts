// A command's arguments come from its command line only. oclif reads a missing argument from
// standard input when that is not a terminal (10 ms, for `echo x | cli cmd`): `rayts status`
// inside a pipeline looked for a run named after the pipe's first line, and `rayts run
// --resume last` took it for the graph file. Every argument says ignoreStdin.
import test from 'ava'
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {pathToFileURL} from 'node:url'
import {ROOT, tempCli} from './helpers.js'

const files = (dir: string): string[] =>
  readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))

interface ArgLike {
  readonly ignoreStdin?: boolean
}

test('every argument of every command ignores standard input', async (t) => {
  let seen = 0
  for (const file of files(join(ROOT, 'commands'))) {
    const mod = (await import(pathToFileURL(file).href)) as {default?: {args?: Record<string, ArgLike>}}
    for (const [name, arg] of Object.entries(mod.default?.args ?? {})) {
      seen++
      t.true(arg.ignoreStdin, `${relative(ROOT, file)}: argument ${name}`)
    }
  }
  t.true(seen >= 10, `arguments seen: ${seen}`)
})

test.serial('a piped standard input is not taken for a missing argument', async (t) => {
  const {cli, cleanup} = tempCli()
  t.teardown(cleanup)
  const status = await cli(['status'], {}, {input: 'hello\n', stdin: undefined})
  t.is(status.exitCode, 2)
  t.notRegex(String(status.stderr), /hello/)
  t.regex(String(status.stderr), /no runs?\b/i)
  const resume = await cli(['run', '--resume', 'last'], {}, {input: 'graph.yaml\n', stdin: undefined})
  t.is(resume.exitCode, 2)
  t.notRegex(String(resume.stderr), /graph\.yaml/)
})
