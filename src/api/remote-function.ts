// `ray.remote(...)`: a function of a module, run as tasks in worker processes.
import {existsSync} from 'node:fs'
import {isAbsolute, resolve as resolvePath} from 'node:path'
import {fileURLToPath} from 'node:url'
import {RaytsError} from './errors.js'
import {ObjectRef} from './object-ref.js'
import {checkOptionNames, toModelOptions} from './options.js'
import type {Session} from './session.js'
import {RefCollector} from './task-specs.js'
import type {AnyFunction, FunctionOptions, RemoteFunction, RemoteResult} from './types.js'
import {dict} from '../core/dict.js'

/** what a remote function needs of the API's module state */
export interface SessionSource {
  session(): Session
}

/** every task module named so far in this process: what `init({cluster})` ships */
export const declaredModules = new Set<string>()

export function modulePath(module: URL | string): string {
  let path: string
  if (module instanceof URL) {
    if (module.protocol !== 'file:') throw new RaytsError(`remote: the module must be a file: URL, not ${module.href}`)
    path = fileURLToPath(module)
  } else if (module.startsWith('file:')) path = fileURLToPath(module)
  else path = isAbsolute(module) ? module : resolvePath(module)
  if (!existsSync(path)) throw new RaytsError(`remote: no module file ${path}`)
  declaredModules.add(path)
  return path
}

export function makeRemoteFunction<F extends AnyFunction, N extends number>(source: SessionSource, module: string, exportName: string, options: FunctionOptions): RemoteFunction<F, N> {
  if (typeof exportName !== 'string' || exportName === '') throw new RaytsError('remote: the export name must be a non-empty string')
  checkOptionNames(options, `remote(${exportName})`)
  const modelOptions = toModelOptions(options, 'fn', `remote(${exportName})`)
  return {
    module,
    exportName,
    remote(...args) {
      const session = source.session()
      const refs = new RefCollector(session)
      const env = envTemplate(options.env, refs)
      const id = session.nextId(exportName)
      const idx = session.submit(
        {
          id,
          kind: 'fn',
          fn: {name: exportName, module, export: exportName},
          cmd: null,
          args: args.map((a, i) => refs.template(a, `${exportName}: argument ${i + 1}`)),
          stdin: undefined,
          output: 'text',
          env,
          cwd: options.cwd === undefined ? undefined : resolvePath(options.cwd),
          options: modelOptions,
        },
        refs,
      )
      const n = modelOptions.numReturns
      if (n === 1) return new ObjectRef(session, idx, id, null) as RemoteResult<Awaited<ReturnType<F>>, N>
      return Array.from({length: n}, (_, part) => new ObjectRef(session, idx, id, part)) as RemoteResult<Awaited<ReturnType<F>>, N>
    },
    options(more) {
      return makeRemoteFunction(source, module, exportName, {...options, ...more})
    },
  }
}

export function envTemplate(env: FunctionOptions['env'], refs: RefCollector): Readonly<Record<string, unknown>> {
  if (env === undefined) return {}
  if (typeof env !== 'object' || env === null) throw new RaytsError('option env must be an object of strings (or refs)')
  const out = dict<unknown>()
  for (const [k, v] of Object.entries(env)) {
    if (v instanceof ObjectRef) out[k] = refs.ref(v)
    else if (typeof v === 'string') out[k] = v
    else throw new RaytsError(`option env.${k} must be a string or a ref`)
  }
  return out
}
