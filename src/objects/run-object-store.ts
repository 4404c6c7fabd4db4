// The runner's side of a run's object store: its hot folder (in /dev/shm when that exists
// and is writable, else under $RAYTS_HOME), its spill folder on disk, the budget, and what
// happens at the end: the objects the run store refers to move to disk, the rest is removed.
//
// A file under $RAYTS_HOME/objects-live/ names each live hot folder with the pid that made
// it, so that a later rayts command finds the folders of a runner that was killed
// (settle.ts, called by reconcile).
import {randomBytes} from 'node:crypto'
import {accessSync, constants, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {defaultBudget} from './memory-budget.js'
import {FULL_FLAG, INLINE_MAX, type ObjectsConfig} from './config.js'
import {ObjectError} from './errors.js'
import {checkPrivateDir, copyObjectFile, tmpName} from './object-files.js'
import {ARENA_OBJECT_MAX, arenaFiles, keepArenaObjects, removeArenas} from './arena.js'
import {forgetArenas} from './arena-map.js'
import {collectRefs} from './read.js'
import type {ObjectPointer} from './ref.js'

const SHM_ROOT = '/dev/shm'

/** the objects a run's recorded results refer to, by id */
export type ObjectsToKeep = ReadonlyMap<string, ObjectPointer>
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
function shmRoot(): string | null {
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

  /**
   * Keep the objects in `keep` (move them to disk), remove everything else. Idempotent.
   * `onNotKept` as in settleFolders; when it throws, the hot folder and its pointer stay.
   */
  settle(keep: ObjectsToKeep, onNotKept: OnNotKept): void {
    if (this.settled) return
    this.settled = true
    try {
      settleFolders({run: this.config.run, dir: this.config.dir, spill: this.config.spill, pid: process.pid, pidStart: null}, keep, onNotKept)
    } catch (error) {
      if (error instanceof ObjectsNotKeptError) rmSync(this.pointer, {force: true}) // recorded: the hot folder is gone
      throw error
    } finally {
      forgetArenas(this.config.dir)
    }
    rmSync(this.pointer, {force: true})
  }
}

/**
 * Told which kept objects could not be copied to disk (and why), before their hot copies are
 * removed: it records that their values are gone. When it throws, the hot folder stays.
 */
export type OnNotKept = (notKept: ReadonlySet<string>, why: string) => void

/** kept objects that could not be copied to disk; their hot copies are removed */
export class ObjectsNotKeptError extends ObjectError {
  constructor(
    message: string,
    readonly notKept: ReadonlySet<string>,
  ) {
    super(message)
  }
}

/**
 * The end of a run's hot folder: kept objects are copied to the spill folder (written under
 * a temporary name, then renamed), the hot folder is removed, and the spill folder keeps
 * only kept objects (removed when it is empty). When some cannot be copied (a full disk),
 * `onNotKept` is told first: if it throws, nothing is removed (the hot copies are all that
 * is left of those values; a later reconcile tries again), else the hot folder goes and an
 * ObjectsNotKeptError follows.
 */
export function settleFolders(p: LivePointer, keep: ObjectsToKeep, onNotKept: OnNotKept): void {
  let hot: string[] = []
  try {
    checkPrivateDir(p.dir)
    hot = readdirSync(p.dir)
  } catch {
    // gone, or not ours: only remove it below (rm does not follow a symlink)
  }
  let why: string | null = null
  let bad: string | null = null
  const notKept = new Set<string>()
  for (const name of hot) {
    if (!keep.has(name)) continue
    if (why !== null) {
      notKept.add(name)
      continue
    }
    const tmp = join(p.spill, tmpName(name))
    try {
      rmSync(tmp, {force: true})
      copyObjectFile(join(p.dir, name), tmp, `object ${name} of run ${p.run}`)
      renameSync(tmp, join(p.spill, name))
    } catch (error) {
      rmSync(tmp, {force: true})
      notKept.add(name)
      if (error instanceof ObjectError) bad ??= error.message // not a file: the others may still be copied
      else why = (error as Error).message // the disk: the rest would fail the same way
    }
  }
  // arenas kept by this settle, and those an earlier one kept that a resumed run's results still name
  const keptArenas = new Set<string>()
  for (const ref of keep.values()) if (ref.arena !== undefined) keptArenas.add(ref.arena)
  const copied = new Set<string>()
  if (why === null) {
    const failure = keepArenaObjects(p.dir, p.spill, keep.values(), p.run, copied)
    if (failure !== null) why = failure.message
  }
  // this run's arena objects whose arena was not copied (an earlier run's are kept already)
  for (const [id, ref] of keep) if (ref.arena !== undefined && ref.dir === p.dir && !copied.has(ref.arena) && why !== null) notKept.add(id)
  why ??= bad
  if (why !== null) onNotKept(notKept, why)
  rmSync(p.dir, {recursive: true, force: true})
  removeArenas(p.dir)
  let spilled: string[] = []
  try {
    spilled = readdirSync(p.spill)
  } catch {
    // no spill folder
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
  if (why !== null) throw new ObjectsNotKeptError(`run ${p.run}: its objects could not be kept in ${p.spill}: ${why}`, notKept)
}

/** whether a run's hot or spill folder (or an arena beside the hot one) holds an object (not only the full flag or a temporary file) */
export function holdsObjects(p: {dir: string; spill: string}): boolean {
  if (arenaFiles(p.dir).length > 0) return true
  for (const dir of [p.dir, p.spill]) {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    if (names.some((n) => !n.startsWith('.'))) return true
  }
  return false
}

export function readPointer(file: string): LivePointer | null {
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as LivePointer
    return typeof p.dir === 'string' && typeof p.spill === 'string' && typeof p.pid === 'number' ? p : null
  } catch {
    return null
  }
}
