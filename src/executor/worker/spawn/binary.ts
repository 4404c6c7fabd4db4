// Which rayts-spawner commands start from. `npm run build` puts it in dist/spawner/
// (build.mjs); it is found there from the sources and from dist alike. RAYTS_SPAWNER=node
// chooses child_process.spawn, RAYTS_SPAWNER=/path/to/rayts-spawner another build (tests).
// Null (child_process.spawn) when none was built.
import {accessSync, constants} from 'node:fs'
import {fileURLToPath} from 'node:url'

const fromSource = import.meta.url.endsWith('.ts')
const SPAWNER_BINARY = fileURLToPath(new URL(fromSource ? '../../../../dist/spawner/rayts-spawner' : '../../../../spawner/rayts-spawner', import.meta.url))

export function spawnerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.RAYTS_SPAWNER
  if (chosen === 'node') return null
  try {
    accessSync(chosen || SPAWNER_BINARY, constants.X_OK)
    return chosen || SPAWNER_BINARY
  } catch {
    return null
  }
}
