// The runner's read of an arena: mapped once (shm-typed-array maps a POSIX shared-memory
// object), each value a view of the mapping, no copy, as a plasma client reads. The mapping
// lives as long as this process holds a value of it, so a value read stays whole after its
// run's arenas are removed (the memory is freed with the last mapping).
//
// Without the native module, or for an arena outside /dev/shm (no tmpfs: the hot folder is
// under $RAYTS_HOME), null: the caller reads a copy instead.
import {createRequire} from 'node:module'
import {basename, dirname} from 'node:path'
import {closeSync} from 'node:fs'
import {openArena} from './arena.js'

interface ShmModule {
  get(key: string, typeKey: 'Buffer'): Buffer | null
}

let shm: ShmModule | null | undefined
const mapped = new Map<string, Buffer>()

function native(): ShmModule | null {
  if (shm === undefined) {
    try {
      shm = createRequire(import.meta.url)('shm-typed-array') as ShmModule
    } catch {
      shm = null
    }
  }
  return shm
}

/** the mapping of an arena mapped before, or undefined: no file system call */
export function mappedArena(path: string): Buffer | undefined {
  return mapped.get(path)
}

/** the arena's data as one Buffer over its mapping, or null when it cannot be mapped here */
export function mapArena(path: string, what: string): Buffer | null {
  const hit = mapped.get(path)
  if (hit) return hit
  if (dirname(path) !== '/dev/shm' || process.env.RAYTS_OBJECTS_MAP === 'off') return null
  const m = native()
  if (!m) return null
  closeSync(openArena(path, what)) // a private regular file of this user, or a clear error
  const buf = m.get(`/${basename(path)}`, 'Buffer')
  if (!buf) return null
  mapped.set(path, buf)
  return buf
}

/** forget the mappings of a run's arenas (they end when no value of them is left) */
export function forgetArenas(dir: string): void {
  const prefix = `${dir}.a-`
  for (const path of mapped.keys()) if (path.startsWith(prefix)) mapped.delete(path)
}
