// What a cluster run packed for its workers, for the user (on stderr before the run starts).
import type {CodeSelection} from './code-files.js'
import {formatBytes} from '../format/units.js'

export interface PackedCode {
  readonly sha: string
  /** the folder the paths are relative to */
  readonly root: string
  /** how many files */
  readonly files: number
  /** gzipped size in Redis */
  readonly bytes: number
  /** size of the files */
  readonly rawBytes: number
  readonly paths: readonly string[]
  readonly missing: CodeSelection['missing']
  readonly unmatched: readonly string[]
}

const SHOWN = 12

export function describeCode(code: PackedCode): string {
  const shown = code.paths.slice(0, SHOWN).join(', ')
  const more = code.paths.length > SHOWN ? ` and ${code.paths.length - SHOWN} more` : ''
  const lines = [
    `code for the workers: ${code.files} file${code.files === 1 ? '' : 's'}, ${formatBytes(code.rawBytes)} (${formatBytes(code.bytes)} gzipped) from ${code.root}: ${shown}${more}`,
  ]
  for (const m of code.missing) lines.push(`  not packed: ${m.specifier}, imported by ${m.importer}, names no file`)
  for (const g of code.unmatched) lines.push(`  include: "${g}" matches no file`)
  return lines.join('\n')
}
