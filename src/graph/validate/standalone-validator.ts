// The schema's validator generated at build time (src/build/graph-validator.ts), used when
// it was made from the schema in use; otherwise the caller compiles the schema with ajv.
import {createHash} from 'node:crypto'
import {createRequire} from 'node:module'
import type {ValidateFunction} from 'ajv'

/** beside dist/src/graph/validate/schema.js; absent when running from the sources */
export const GENERATED_VALIDATOR_FILE = 'schema-validator.generated.cjs'

export function schemaHash(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex')
}

/** the generated validator next to `besideUrl`, when present and made from `schemaText` */
export function loadGeneratedValidator(besideUrl: string, schemaText: string): ValidateFunction | undefined {
  let generated: (ValidateFunction & {schemaHash?: string}) | undefined
  try {
    generated = createRequire(besideUrl)(`./${GENERATED_VALIDATOR_FILE}`) as ValidateFunction & {schemaHash?: string}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined
    throw error
  }
  return generated.schemaHash === schemaHash(schemaText) ? generated : undefined
}
