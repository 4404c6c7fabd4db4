// A .mjs task module that imports a .ts file by its .js name works in a worker of the built
// CLI (no tsx there: the worker's own TypeScript hooks are registered when the import needs
// them), as it does under tsx.
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const graph = fileURLToPath(new URL('./fixtures/js-imports-ts/graph.yaml', import.meta.url))

test('a JavaScript module importing ./helper.js (helper.ts) runs in the built CLI\'s workers', (t) => {
  if (!existsSync(`${root}dist/src/cli/main.js`)) return t.fail('dist/ is missing: run `npm run build` before these tests')
  const r = spawnSync(process.execPath, [`${root}bin/run.js`, 'run', graph, '--json', '--num-cpus', '2'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  t.is(r.status, 0, r.stderr)
  const values = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {type: string; instance?: string; value?: unknown})
      .filter((o) => o.type === 'result')
      .map((o) => [o.instance, o.value]),
  )
  t.deepEqual(values, {a: 6, b: 9})
})
