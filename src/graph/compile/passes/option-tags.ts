// Pass: options hold plain values; a tag in one (cwd: !ref x) would be ignored, so it is
// refused where it stands.
import type {PathPart} from '../../model.js'
import {OPTION_KEYS} from '../../read/set.js'
import {Tagged} from '../../read/tags.js'
import {mapTags} from '../templates.js'
import {isObj, type CompileContext, type Obj} from './context.js'

/** options whose values may hold no tag (env may: its values are templates) */
export const TAGLESS_OPTIONS: readonly string[] = OPTION_KEYS.filter((k) => k !== 'env')
const TAGLESS = new Set(TAGLESS_OPTIONS)

/** A tag in an option other than env (cwd: !ref x) would be ignored: refuse it where it stands. */
export function checkOptionTags(ctx: CompileContext): void {
  const plain = (holder: Obj, path: PathPart[], key: string) => {
    const v = holder[key]
    if (v instanceof Tagged) ctx.report([...path, key], `${ctx.sigil}${v.tag} is not allowed in ${key}: it takes a plain value`)
  }
  for (const key of ['name', 'description', 'module']) plain(ctx.root, [], key)
  for (const [name, f] of Object.entries(ctx.functions)) if (isObj(f)) for (const key of ['module', 'export']) plain(f, ['functions', name], key)
  const check = (data: Obj, path: () => PathPart[]) => {
    for (const key in data) {
      if (!TAGLESS.has(key)) continue
      mapTags(data[key], [...path(), key], (t, at) => {
        ctx.report(at, `${ctx.sigil}${t.tag} is not allowed in ${key}: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)`)
        return null
      })
    }
  }
  if (isObj(ctx.root.defaults)) check(ctx.root.defaults, () => ['defaults'])
  for (const [name, f] of Object.entries(ctx.functions)) if (isObj(f)) check(f, () => ['functions', name])
  for (const id in ctx.tasks) {
    const t = ctx.tasks[id]
    if (isObj(t)) check(t, () => ['tasks', id])
  }
}
