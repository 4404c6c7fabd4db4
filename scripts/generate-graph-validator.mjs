// Writes the graph schema's standalone ajv validator beside dist/src/graph/validate/schema.js
// (after tsc; see src/build/graph-validator.ts).
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const {graphValidatorSource, GENERATED_VALIDATOR_FILE} = await import('../dist/src/build/graph-validator.js')
const file = fileURLToPath(new URL(`../dist/src/graph/validate/${GENERATED_VALIDATOR_FILE}`, import.meta.url))
writeFileSync(file, graphValidatorSource())
console.log(`wrote ${file}`)
