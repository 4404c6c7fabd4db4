import type {ScalarTag} from 'yaml'
import type {RawRef} from '../compile/refs.js'

export type TagName = 'ref' | 'item' | 'index' | 'sub'

const TAG_NAMES: readonly TagName[] = ['ref', 'item', 'index', 'sub']

export const isTagName = (s: string): s is TagName => s === 'ref' || s === 'item' || s === 'index' || s === 'sub'

/**
 * yaml's customTags for `!ref`, `!item`, `!index`, `!sub`: they keep the scalar's text.
 * The walk in parse.ts turns tagged nodes into `Tagged` values.
 */
export const customTags: ScalarTag[] = TAG_NAMES.map((name) => ({
  tag: `!${name}`,
  resolve: (str: string) => str,
}))

/**
 * A tag as read from the file (`!ref a.0` in YAML, `{"$ref": "a.0"}` in JSON), before the
 * compiler interprets it. It holds no position: problems are placed by their data path.
 */
export class Tagged {
  /**
   * A `!ref`'s text as the compiler reads it, kept on first reading: two passes read each
   * ref, and a text-keyed cache grew by one entry per ref (100,000 in a generated chain).
   */
  parsedRef: RawRef | string | undefined = undefined

  constructor(
    readonly tag: TagName,
    readonly text: string,
  ) {}

  /** How the value appears in the view the schema validates (and what YAML editors see). */
  toString(): string {
    return this.text === '' ? `!${this.tag}` : `!${this.tag} ${this.text}`
  }
}

/**
 * Where each tag stands in the parsed data: `holders[i][keys[i]]` is `tags[i]` (unless a
 * `--set` replaced it since). Kept by every reader so the schema check can see tags as their
 * text in place, without a copy of the data (see schema-view.ts).
 */
export interface TagSites {
  readonly holders: object[]
  readonly keys: (string | number)[]
  readonly tags: Tagged[]
}

export function newTagSites(): TagSites {
  return {holders: [], keys: [], tags: []}
}

export function addTagSite(sites: TagSites, holder: object, key: string | number, tag: Tagged): void {
  sites.holders.push(holder)
  sites.keys.push(key)
  sites.tags.push(tag)
}
