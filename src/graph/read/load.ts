import {readYamlFast} from './fast-yaml.js'
import {parseJsonGraph} from './json-graph.js'
import {LazyLocator} from './locate.js'
import {parseGraphText, positionedLocator, type ParseResult} from './parse.js'

export interface LoadOptions {
  /**
   * Parse YAML with positions from the start (yaml's document), as before the fast reader.
   * Slower; the same data and problems. For tests that check the two paths agree.
   */
  readonly positioned?: boolean
}

const isJsonFile = (file: string): boolean => /\.json$/i.test(file)

/**
 * A graph file's text as data. YAML: the fast reader first; the positioned parse when it
 * gives up (anything outside its subset, errors included) or when asked. JSON: JSON.parse.
 * Positions of data read fast are found on demand (see LazyLocator).
 */
export function loadGraphText(text: string, file: string, opts: LoadOptions = {}): ParseResult {
  if (isJsonFile(file)) return parseJsonGraph(text, file)
  const fast = opts.positioned ? undefined : readYamlFast(text)
  if (fast === undefined) return parseGraphText(text, file)
  const locate = new LazyLocator(file, text, fast.keyOffsets, () => positionedLocator(text, file))
  return {ok: true, parsed: {value: fast.value, locate, tagSites: fast.tagSites, sigil: '!'}}
}
