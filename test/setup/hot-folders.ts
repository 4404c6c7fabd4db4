// A test that kills a run with SIGKILL and then removes its $RAYTS_HOME leaves the run's
// object folder in /dev/shm with nothing to find it (a later rayts command would settle it
// through $RAYTS_HOME/objects-live/, which is gone). Test cleanups call this first.
import {readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

/** remove the /dev/shm folders named by `home`'s live-object pointers */
export function dropHotFolders(home: string): void {
  const live = join(home, 'objects-live')
  let names: string[]
  try {
    names = readdirSync(live)
  } catch {
    return
  }
  for (const name of names) {
    try {
      const p = JSON.parse(readFileSync(join(live, name), 'utf8')) as {dir?: unknown}
      if (typeof p.dir === 'string' && p.dir.startsWith('/dev/shm/rayts-')) rmSync(p.dir, {recursive: true, force: true})
    } catch {
      // not a pointer
    }
  }
}
