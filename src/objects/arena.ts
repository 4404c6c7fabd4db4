// Arenas: plasma's layout for the objects of a run. Each worker appends its stored results
// to one shared-memory file of its own (an arena), and a reference names the arena and the
// offset instead of a file per object: a file create, write, rename and, later, an open and a
// read per object cost more than the bytes of a small value (docs/objects.md).
//
// An arena is a POSIX shared-memory object: a file directly in /dev/shm (shm_open's names
// cannot hold a folder), named after the run's hot folder: `<hot folder>.a-<pid>-<random>-<k>`,
// so that whatever ends a run's hot folder ends its arenas too (removeArenas). Its layout
// is shm-typed-array's: a u64 of the capacity, then the data; each object, an object file's
// bytes (codec.ts), starts at a 16-byte aligned offset of the data. The file is sparse:
// tmpfs holds only the pages written.
//
// Writers write with pwrite (no native code); readers map the arena (arena-map.ts) or read
// a copy of the range (readArenaCopy), and settling copies kept ranges into object files.
import {randomBytes} from 'node:crypto'
import {closeSync, constants, existsSync, fstatSync, ftruncateSync, openSync, readdirSync, renameSync, rmSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {readInto} from '../core/read-fd.js'
import type {Encoded} from './codec.js'
import {ObjectError} from './errors.js'
import {checkPrivateDir, crashHook, tmpName} from './object-files.js'
import type {ObjectPointer} from './ref.js'

/** capacity of one arena (sparse: only written pages take memory) */
const ARENA_BYTES = 256 * 1024 * 1024
/** objects larger than this get a file of their own (their file costs little next to their bytes) */
export const ARENA_OBJECT_MAX = 16 * 1024 * 1024
/** shm-typed-array's header: the data's length as a u64 */
const ARENA_HEADER = 8
const ALIGN = 16
const NAME = /^a-[0-9a-z]{1,16}-[0-9a-f]{8}-[0-9a-z]{1,8}$/

/** the file of arena `name` of the run whose hot folder is `dir` */
export function arenaPath(dir: string, name: string): string {
  if (!NAME.test(name)) throw new ObjectError(`not a valid arena name: ${name}`)
  return `${dir}.${name}`
}

/** A worker's arenas in one run: objects appended, a new arena when one is full. */
export class ArenaWriter {
  private fd = -1
  private name = ''
  private at = 0
  private count = 0
  private readonly prefix = `a-${process.pid.toString(36)}-${randomBytes(4).toString('hex')}`

  constructor(readonly dir: string) {}

  /** Append `encoded`; its arena and offset. Errors (ENOSPC...) propagate; the space is then left unused. */
  write(encoded: Encoded): {arena: string; at: number} {
    const size = encoded.size
    if (size > ARENA_BYTES) throw new ObjectError(`an object of ${size} bytes does not fit an arena`)
    if (this.fd < 0 || this.at + size > ARENA_BYTES) this.open()
    const at = this.at
    this.at = align(at + size)
    const pos = ARENA_HEADER + at
    writeAt(this.fd, encoded.header, pos)
    crashHook(this.fd, encoded, pos + encoded.header.length)
    writeAt(this.fd, encoded.payload, pos + encoded.header.length)
    return {arena: this.name, at}
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = -1
  }

  private open(): void {
    this.close()
    const name = `${this.prefix}-${(this.count++).toString(36)}`
    const path = arenaPath(this.dir, name)
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    try {
      // made after its run's end (which removes the hot folder, then the arenas): gone again
      checkPrivateDir(this.dir)
      if (!existsSync(this.dir)) throw new ObjectError(`the object folder ${this.dir} is gone (its run has ended)`)
      const header = Buffer.alloc(ARENA_HEADER)
      header.writeBigUInt64LE(BigInt(ARENA_BYTES))
      writeAt(fd, header, 0)
      ftruncateSync(fd, ARENA_HEADER + ARENA_BYTES)
    } catch (error) {
      closeSync(fd)
      rmSync(path, {force: true})
      throw error
    }
    this.fd = fd
    this.name = name
    this.at = 0
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN
}

function writeAt(fd: number, view: ArrayBufferView, position: number): void {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  let done = 0
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done)
}

/** Opens an arena for reading: a regular file of this user, open to nobody else, not a symlink. */
export function openArena(path: string, what: string): number {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new ObjectError(`${what} is missing (its arena ${path} is gone)`)
    throw new ObjectError(`${what} cannot be read (${path}): ${(error as Error).message}`)
  }
  const st = fstatSync(fd)
  const uid = process.getuid?.()
  if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    closeSync(fd)
    throw new ObjectError(`${what}: its arena ${path} is not a private file of this user: refused`)
  }
  return fd
}

/** A copy of the object's bytes (header included), in a buffer of their own. */
export function readArenaCopy(path: string, at: number, size: number, what: string): Buffer {
  const fd = openArena(path, what)
  try {
    const bytes = Buffer.allocUnsafeSlow(size)
    if (readInto(fd, bytes, ARENA_HEADER + at) !== size) throw new ObjectError(`${what} is missing: its arena ${path} ends before it`)
    return bytes
  } finally {
    closeSync(fd)
  }
}

/** the files of the arenas of the run whose hot folder is `dir` (they sit beside it) */
export function arenaFiles(dir: string): string[] {
  const prefix = `${basename(dir)}.a-`
  try {
    return readdirSync(dirname(dir)).filter((name) => name.startsWith(prefix)).map((name) => join(dirname(dir), name))
  } catch {
    return []
  }
}

/** Removes every arena of the run whose hot folder is `dir`. */
export function removeArenas(dir: string): void {
  for (const file of arenaFiles(dir)) rmSync(file, {force: true})
}

/**
 * Keeps the objects of `refs` that sit in arenas of the hot folder `dir`: each arena holding
 * any is copied into `spill` under its own name, up to the end of the last kept object (under
 * a temporary name, then renamed). One file per arena, not per object: 2,000 kept arrays cost
 * one create and sequential writes, not 2,000 files. Readers find it with keptArenaPath. The
 * names kept are added to `names`. The first error, or null.
 */
export function keepArenaObjects(dir: string, spill: string, refs: Iterable<ObjectPointer>, run: string, names: Set<string>): Error | null {
  const extent = new Map<string, number>()
  for (const ref of refs) {
    if (ref.arena === undefined || ref.dir !== dir) continue
    const end = ARENA_HEADER + (ref.at ?? 0) + ref.size
    if (end > (extent.get(ref.arena) ?? 0)) extent.set(ref.arena, end)
  }
  for (const [name, end] of extent) {
    const what = `the objects of run ${run} in arena ${name}`
    const tmp = join(spill, tmpName(name))
    try {
      const src = openArena(arenaPath(dir, name), what)
      try {
        rmSync(tmp, {force: true})
        const dst = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
        try {
          copyRange(src, dst, end)
        } finally {
          closeSync(dst)
        }
      } finally {
        closeSync(src)
      }
      renameSync(tmp, join(spill, name))
      names.add(name)
    } catch (error) {
      rmSync(tmp, {force: true})
      return new ObjectError(`run ${run}: its objects could not be kept in ${spill}: ${(error as Error).message}`)
    }
  }
  return null
}

const CHUNK = 1024 * 1024

function copyRange(src: number, dst: number, length: number): void {
  const buf = Buffer.allocUnsafeSlow(Math.min(CHUNK, length))
  for (let at = 0; at < length; ) {
    const want = Math.min(buf.length, length - at)
    const n = readInto(src, buf.subarray(0, want), at)
    if (n !== want) throw new ObjectError('an arena ended before its last kept object')
    writeAt(dst, buf.subarray(0, n), at)
    at += n
  }
}

/** where a kept arena is, once its run has ended: in the run's kept folder, under its name */
export function keptArenaPath(kept: string, name: string): string {
  if (!NAME.test(name)) throw new ObjectError(`not a valid arena name: ${name}`)
  return join(kept, name)
}
