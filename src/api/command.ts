// `ray.command(...)`: a shell command as a task. An argv array runs with no shell, each ref's
// value one argument; a string runs with /bin/sh -c as written (no refs in it: pass results
// through `env` instead, as in graph files).
import {resolve as resolvePath} from 'node:path'
import {RaytsError} from './errors.js'
import {ObjectRef} from './object-ref.js'
import {checkOptionNames, toModelOptions} from './options.js'
import {envTemplate, type SessionSource} from './remote-function.js'
import {RefCollector} from './task-specs.js'
import type {Argv, CommandOptions, CommandValue} from './types.js'

export function submitCommand<const O extends CommandOptions>(source: SessionSource, command: Argv | string, options: O): ObjectRef<CommandValue<O['output']>> {
  const where = `command(${typeof command === 'string' ? JSON.stringify(command) : 'argv'})`
  checkOptionNames(options, where)
  const modelOptions = toModelOptions(options, 'cmd', where)
  const output = options.output ?? 'text'
  if (output !== 'text' && output !== 'json' && output !== 'lines') throw new RaytsError(`${where}: option output must be text, json or lines`)
  const session = source.session()
  const refs = new RefCollector(session)
  let base: string
  let cmd: {readonly kind: 'argv'; readonly argv: readonly unknown[]} | {readonly kind: 'shell'; readonly script: string}
  if (typeof command === 'string') {
    if (command.trim() === '') throw new RaytsError('command: the shell command is empty')
    cmd = {kind: 'shell', script: command}
    base = 'sh'
  } else {
    if (!Array.isArray(command) || command.length === 0) throw new RaytsError('command: the argv must be a non-empty array')
    if (typeof command[0] !== 'string') throw new RaytsError('command: argv[0] must be the program, a string')
    for (const a of command) {
      if (!(a instanceof ObjectRef) && typeof a !== 'string' && typeof a !== 'number') throw new RaytsError(`${where}: argv elements must be strings, numbers or refs`)
    }
    cmd = {kind: 'argv', argv: command.map((a) => (a instanceof ObjectRef ? refs.ref(a) : a))}
    base = (command[0] as string).split('/').pop() ?? 'cmd'
  }
  const stdin = options.stdin === undefined ? undefined : options.stdin instanceof ObjectRef ? refs.ref(options.stdin) : options.stdin
  if (stdin !== undefined && !(stdin instanceof Object) && typeof stdin !== 'string') throw new RaytsError(`${where}: stdin must be a string, bytes or a ref`)
  const env = envTemplate(options.env, refs)
  const id = session.nextId(base)
  const idx = session.submit(
    {
      id,
      kind: 'cmd',
      fn: null,
      cmd,
      args: [],
      stdin,
      output,
      env,
      cwd: options.cwd === undefined ? undefined : resolvePath(options.cwd),
      options: modelOptions,
    },
    refs,
  )
  return new ObjectRef(session, idx, id, null)
}
