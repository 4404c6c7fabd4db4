// The runner's side of a run's object store: its hot folder (in /dev/shm when that exists
// and is writable, else under $RAYTS_HOME), its spill folder on disk, the budget, and what
// happens at the end: the objects the run store refers to move to disk, the rest is removed.
//
// A file under $RAYTS_HOME/objects-live/ names each live hot folder with the pid that made
// it, so that a later rayts command finds the folders of a runner that was killed
// (settle.ts, called by reconcile).
import {randomBytes} from 'node:crypto'
import {accessSync, constants, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {defaultBudget} from './budget.js'
import {FULL_FLAG, INLINE_MAX, type ObjectsConfig} from './config.js'
import {ObjectError} from './errors.js'
import {checkPrivateDir, tmpName} from './object-files.js'
import {ARENA_OBJECT_MAX, keepArenaObjects, removeArenas} from './arena.js'
import {forgetArenas} from './arena-map.js'
import {collectRefs} from './read.js'
import {objectId, type ObjectRef} from './ref.js'

export const SHM_ROOT = '/dev/shm'

/** the objects a run's recorded results refer to, by id */
export type ObjectsToKeep = ReadonlyMap<string, ObjectRef>
export const LIVE_DIR = 'objects-live'

export interface LivePointer {
  readonly run: string
  readonly dir: string
  readonly spill: string
  readonly pid: number
  readonly pidStart: string | null
}

export interface OpenOptions {
  readonly home: string
  /** the run's folder of files on disk ($RAYTS_HOME/blobs/RUN) */
  readonly runBlobDir: string
  /** bytes of tmpfs the run may use; default: defaultBudget */
  readonly budget?: number
  /** where hot folders go (default /dev/shm when writable) */
  readonly hotRoot?: string
  readonly pidStart?: string | null
}

/** /dev/shm when it is a writable folder, else null */
export function shmRoot(): string | null {
  try {
    if (!statSync(SHM_ROOT).isDirectory()) return null
    accessSync(SHM_ROOT, constants.W_OK)
    return SHM_ROOT
  } catch {
    return null
  }
}

export class RunObjects {
  readonly config: ObjectsConfig
  readonly budget: number
  private used = 0
  private readonly seen = new Set<string>()
  private full = false
  private settled = false
  readonly pointer: string

  private constructor(config: ObjectsConfig, budget: number, pointer: string) {
    this.config = config
    this.budget = budget
    this.pointer = pointer
  }

  static open(runId: string, o: OpenOptions): RunObjects {
    const root = o.hotRoot ?? shmRoot() ?? join(o.home, 'objects-hot')
    mkdirSync(root, {recursive: true, mode: 0o700})
    const spill = join(o.runBlobDir, 'objects')
    mkdirSync(spill, {recursive: true, mode: 0o700})
    // an unpredictable name, made by mkdir (which fails on anything already there)
    const dir = join(root, `rayts-${runId}-${randomBytes(12).toString('hex')}`)
    const live = join(o.home, LIVE_DIR)
    mkdirSync(live, {recursive: true, mode: 0o700})
    const pointer = join(live, `${runId}.json`)
    const body: LivePointer = {run: runId, dir, spill, pid: process.pid, pidStart: o.pidStart ?? null}
    writeFileSync(`${pointer}.tmp`, JSON.stringify(body), {mode: 0o600})
    renameSync(`${pointer}.tmp`, pointer)
    mkdirSync(dir, {mode: 0o700})
    checkPrivateDir(dir)
    checkPrivateDir(spill)
    const config: ObjectsConfig = {run: runId, dir, spill, inlineMax: INLINE_MAX, arenaMax: ARENA_OBJECT_MAX}
    return new RunObjects(config, o.budget ?? defaultBudget(root === SHM_ROOT ? root : null), pointer)
  }

  /** a value the run produced: count its objects in tmpfs against the budget */
  observe(value: unknown): void {
    if (this.full || value === null || typeof value !== 'object') return
    for (const [id, ref] of collectRefs(value)) {
      if (this.seen.has(id) || ref.dir !== this.config.dir) continue
      this.seen.add(id)
      this.used += ref.size
    }
    if (this.used >= this.budget) {
      this.full = true
      try {
        writeFileSync(join(this.config.dir, FULL_FLAG), '', {mode: 0o600})
      } catch {
        // the hot folder is gone (the run is ending)
      }
    }
  }

  /** bytes of tmpfs the run's results hold so far */
  get hotBytes(): number {
    return this.used
  }

  /** Keep the objects in `keep` (move them to disk), remove everything else. Idempotent. */
  settle(keep: ObjectsToKeep): void {
    if (this.settled) return
    this.settled = true
    try {
      settleFolders({run: this.config.run, dir: this.config.dir, spill: this.config.spill, pid: process.pid, pidStart: null}, keep)
    } finally {
      forgetArenas(this.config.dir)
      rmSync(this.pointer, {force: true})
    }
  }
}

/**
 * The end of a run's hot folder: kept objects are copied to the spill folder (written under
 * a temporary name, then renamed), the hot folder is removed, and the spill folder keeps
 * only kept objects (removed when it is empty).
 */
export function settleFolders(p: LivePointer, keep: ObjectsToKeep): void {
  let hot: string[] = []
  try {
    checkPrivateDir(p.dir)
    hot = readdirSync(p.dir)
  } catch {
    // gone, or not ours: only remove it below (rm does not follow a symlink)
  }
  // a failed copy (a full disk) still removes the hot folder: nothing may stay in tmpfs
  let failure: Error | null = null
  for (const name of hot) {
    if (!keep.has(name) || failure) continue
    const tmp = join(p.spill, tmpName(name))
    try {
      rmSync(tmp, {force: true})
      copyFileSync(join(p.dir, name), tmp)
      renameSync(tmp, join(p.spill, name))
    } catch (error) {
      failure = new ObjectError(`run ${p.run}: its objects could not be kept in ${p.spill}: ${(error as Error).message}`)
    }
  }
  // arenas kept by this settle, and those an earlier one kept that a resumed run's results still name
  const keptArenas = new Set<string>()
  for (const ref of keep.values()) if (ref.arena !== undefined) keptArenas.add(ref.arena)
  failure ??= keepArenaObjects(p.dir, p.spill, keep.values(), p.run, keptArenas)
  rmSync(p.dir, {recursive: true, force: true})
  removeArenas(p.dir)
  let spilled: string[] = []
  try {
    spilled = readdirSync(p.spill)
  } catch {
    if (failure) throw failure
    return
  }
  let left = 0
  for (const name of spilled) {
    if (keep.has(name) || keptArenas.has(name)) left++
    else rmSync(join(p.spill, name), {force: true, recursive: true})
  }
  if (left === 0) {
    rmSync(p.spill, {recursive: true, force: true})
    try {
      rmdirSync(dirname(p.spill)) // the run's blob folder, made for it: gone again when empty
    } catch {
      // holds other files of the run
    }
  }
  if (failure) throw failure
}

export function readPointer(file: string): LivePointer | null {
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as LivePointer
    return typeof p.dir === 'string' && typeof p.spill === 'string' && typeof p.pid === 'number' ? p : null
  } catch {
    return null
  }
}
