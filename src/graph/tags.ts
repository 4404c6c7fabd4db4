import type {ScalarTag} from 'yaml'
import type {SourcePos} from './model.js'

export type TagName = 'ref' | 'item' | 'index' | 'sub'

export const TAG_NAMES: readonly TagName[] = ['ref', 'item', 'index', 'sub']

/**
 * yaml's customTags for `!ref`, `!item`, `!index`, `!sub`: they keep the scalar's text.
 * The walk in parse.ts turns tagged nodes into `Tagged` values with their position.
 */
export const customTags: ScalarTag[] = TAG_NAMES.map((name) => ({
  tag: `!${name}`,
  resolve: (str: string) => str,
}))

/** A tagged scalar as read from the file, before the compiler interprets it. */
export class Tagged {
  constructor(
    readonly tag: TagName,
    readonly text: string,
    readonly pos: SourcePos,
  ) {}

  /** How the value appears in the JSON view the schema validates (and what editors see). */
  toString(): string {
    return this.text === '' ? `!${this.tag}` : `!${this.tag} ${this.text}`
  }
}
