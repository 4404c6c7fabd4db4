// Builds rayts-spawner (spawner.c) into dist/spawner/ at `npm run build`. A C compiler is
// already required by the install (better-sqlite3 compiles with node-gyp). Without one, or
// off Linux, it says so and rayts starts commands with child_process.spawn instead.
import {execFileSync} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const source = fileURLToPath(new URL('spawner.c', import.meta.url))
const out = fileURLToPath(new URL('../../../../dist/spawner/rayts-spawner', import.meta.url))

export function buildSpawner(output = out) {
  mkdirSync(new URL('.', `file://${output}`), {recursive: true})
  const errors = []
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['-O2', '-std=gnu11', '-o', output, source], {stdio: ['ignore', 'ignore', 'pipe']})
      return output
    } catch (error) {
      errors.push(`${cc}: ${String(error.stderr ?? error.message).trim().split('\n')[0]}`)
    }
  }
  throw new Error(`cannot build rayts-spawner:\n  ${errors.join('\n  ')}`)
}

// node build.mjs [OUTPUT]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.platform !== 'linux') {
    console.warn(`rayts-spawner is for Linux: commands will start with child_process.spawn`)
  } else {
    try {
      buildSpawner(process.argv[2] ?? out)
    } catch (error) {
      console.warn(`${error.message}\ncommands will start with child_process.spawn (slower)`)
    }
  }
}
