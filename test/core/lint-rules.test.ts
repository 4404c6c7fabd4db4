// The project's own lint rules (eslint.config.js) see what they are meant to see: a call that
// spreads an array onto the stack, and an import across a layer boundary. `npm run lint`
// checks the code; this checks the checks.
import test from 'ava'
import {ESLint} from 'eslint'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const eslint = new ESLint({cwd: root})

async function rules(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: join(root, file)})
  return result!.messages.map((m) => m.ruleId ?? m.message)
}

const SYNTAX = 'no-restricted-syntax'
const IMPORT = '@typescript-eslint/no-restricted-imports'

test('a call that spreads an array onto the stack is refused in src/ and commands/', async (t) => {
  t.deepEqual(await rules('src/ui/x.ts', 'export const f = (out: number[], xs: number[]) => out.push(...xs)\n'), [SYNTAX])
  t.deepEqual(await rules('src/ui/x.ts', 'export const m = (xs: {n: number}[]) => Math.max(...xs.map((x) => x.n))\n'), [SYNTAX])
  t.deepEqual(await rules('src/ui/x.ts', 'export const m = (h: string, rows: string[]) => Math.max(h.length, ...rows.map((r) => r.length))\n'), [SYNTAX])
  t.deepEqual(await rules('commands/x.ts', 'export const s = (cs: number[]) => String.fromCharCode(...cs)\n'), [SYNTAX])
})

test('a spread that does not reach the stack, or says why it is small, passes', async (t) => {
  t.deepEqual(await rules('src/ui/x.ts', 'export const copy = (xs: number[]) => [...xs]\n'), [])
  t.deepEqual(await rules('src/ui/x.ts', 'export const f = (g: (o: object) => void, options: object) => g({...options})\n'), [])
  t.deepEqual(await rules('src/ui/x.ts', 'export const f = (out: number[][], path: number[], i: number) => out.push([...path, i])\n'), [])
  t.deepEqual(await rules('src/ui/x.ts', 'export const m = (xs: number[]) => Math.max(...xs) // eslint-disable-line no-restricted-syntax -- bounded: two\n'), [])
})

test('imports across a layer boundary are refused', async (t) => {
  t.deepEqual(await rules('src/ui/x.ts', "export {f} from '../bench/measure.js'\n"), [IMPORT])
  t.deepEqual(await rules('src/core/x.ts', "import {f} from '../format/json.js'\nexport const g = f\n"), [IMPORT])
  t.deepEqual(await rules('src/format/x.ts', "import {f} from '../graph/model.js'\nexport const g = f\n"), [IMPORT])
  t.deepEqual(await rules('src/graph/x.ts', "import {f} from '../runtime/run.js'\nexport const g = f\n"), [IMPORT])
  t.deepEqual(await rules('src/store/x.ts', "import type {F} from '../ui/plain.js'\nexport type G = F\n"), [IMPORT])
  t.deepEqual(await rules('src/scheduler/x.ts', "import {f} from '../objects/read.js'\nexport const g = f\n"), [IMPORT])
  // no-restricted-imports does not see import(): a syntax selector does
  t.deepEqual(await rules('src/trace/x.ts', "export const g = () => import('../store/db.js')\n"), [SYNTAX])
})

test('imports a layer may make pass', async (t) => {
  t.deepEqual(await rules('src/scheduler/x.ts', "import type {F} from '../executor/types.js'\nexport type G = F\n"), [])
  t.deepEqual(await rules('src/format/x.ts', "import {f} from '../core/clock.js'\nexport const g = f\n"), [])
  t.deepEqual(await rules('src/executor/pool/x.ts', "import {f} from '../worker/y.js'\nexport const g = f\n"), [])
  t.deepEqual(await rules('src/bench/plot/x.ts', "import {f} from '../measure.js'\nexport const g = f\n"), [])
  t.deepEqual(await rules('test/x.test.ts', "import {f} from '../src/bench/measure.js'\nexport const g = f\n"), [])
  t.deepEqual(await rules('commands/bench/x.ts', "import {f} from '../../src/bench/measure.js'\nexport const g = f\n"), [])
})
