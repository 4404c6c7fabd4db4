// Object files on disk: written once under a temporary name and renamed into place (a
// writer killed mid-write leaves only a `.tmp-` file nobody reads), 0600, never through a
// symlink; read with one read into a buffer of their own.
import {closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync} from 'node:fs'
import {readInto} from '../core/read-fd.js'
import {join} from 'node:path'
import {decodeObject, type Encoded} from './codec.js'
import {ObjectError} from './errors.js'

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
// O_NONBLOCK: a FIFO planted in place of an object is refused by the fstat below, not waited on
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

/** folders found to be ours and private (checked once per process) */
const checkedDirs = new Set<string>()

/** Throws unless `dir` is a real folder (not a symlink) of this user that nobody else may enter. */
export function checkPrivateDir(dir: string): void {
  if (checkedDirs.has(dir)) return
  let st
  try {
    st = lstatSync(dir)
  } catch (error) {
    throw new ObjectError(`the object folder ${dir} is missing (${(error as NodeJS.ErrnoException).code ?? error})`)
  }
  if (st.isSymbolicLink()) throw new ObjectError(`the object folder ${dir} is a symlink: refused`)
  if (!st.isDirectory()) throw new ObjectError(`the object folder ${dir} is not a folder: refused`)
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid) throw new ObjectError(`the object folder ${dir} belongs to another user: refused`)
  if ((st.mode & 0o077) !== 0) throw new ObjectError(`the object folder ${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}): refused`)
  checkedDirs.add(dir)
}

export function tmpName(id: string): string {
  return `.tmp-${id}`
}

/** Write `encoded` as object `id` in `dir`. Errors (ENOSPC...) propagate, the temporary file removed. */
export function writeObjectFile(dir: string, id: string, encoded: Encoded): void {
  checkPrivateDir(dir)
  const tmp = join(dir, tmpName(id))
  const fd = openSync(tmp, WRITE_FLAGS, 0o600)
  try {
    writeAll(fd, encoded.header)
    crashHook(fd, encoded)
    writeAll(fd, encoded.payload)
  } catch (error) {
    closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {
      // already gone
    }
    throw error
  }
  closeSync(fd)
  renameSync(tmp, join(dir, id))
}

function writeAll(fd: number, view: ArrayBufferView): void {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  let at = 0
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at)
}

/**
 * Tests only: with RAYTS_OBJECTS_TEST_KILL set to a file that does not exist yet, the
 * writer makes that file, writes half of the payload, then kills its own process with
 * SIGKILL (a worker killed mid-write, made deterministic).
 */
export function crashHook(fd: number, encoded: Encoded, position = -1): void {
  const marker = process.env.RAYTS_OBJECTS_TEST_KILL
  if (!marker || existsSync(marker)) return
  writeFileSync(marker, String(process.pid))
  const p = encoded.payload
  const half = new Uint8Array(p.buffer, p.byteOffset, p.byteLength >> 1)
  if (position >= 0) writeSync(fd, half, 0, half.length, position)
  else writeAll(fd, half)
  process.kill(process.pid, 'SIGKILL')
}

/** An object file opened for reading, checked to be a regular file: its fd and size. */
function openObjectFile(path: string, what: string): {fd: number; size: number} {
  let fd: number
  try {
    fd = openSync(path, READ_FLAGS)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new ObjectError(`${what} is missing (${path})`)
    if (code === 'ELOOP') throw new ObjectError(`${what} is a symlink (${path}): refused`)
    throw new ObjectError(`${what} cannot be read (${path}): ${(error as Error).message}`)
  }
  const st = fstatSync(fd)
  if (!st.isFile()) {
    closeSync(fd)
    throw new ObjectError(`${what} is not a file (${path}): refused`)
  }
  return {fd, size: st.size}
}

const COPY_CHUNK = 1024 * 1024

/**
 * Copy object file `from` to a new file `to` (0600, never through a symlink): a planted FIFO
 * or device is an ObjectError naming it, not a hang. Other errors (ENOSPC) propagate; `to`
 * may be left half written (the caller writes under a temporary name).
 */
export function copyObjectFile(from: string, to: string, what: string): void {
  const {fd} = openObjectFile(from, what)
  try {
    const out = openSync(to, WRITE_FLAGS, 0o600)
    try {
      const chunk = Buffer.allocUnsafe(COPY_CHUNK)
      let n: number
      while ((n = readSync(fd, chunk, 0, COPY_CHUNK, null)) > 0) writeAll(out, chunk.subarray(0, n))
    } finally {
      closeSync(out)
    }
  } finally {
    closeSync(fd)
  }
}

/** The bytes of an object file, in a buffer of their own (offset 0, so aligned). */
export function readObjectBytes(path: string, what: string): Buffer {
  const {fd, size} = openObjectFile(path, what)
  try {
    const bytes = Buffer.allocUnsafeSlow(size)
    if (readInto(fd, bytes) !== bytes.length) throw new ObjectError(`${what} is corrupt (${path}): it shrank while read`)
    return bytes
  } finally {
    closeSync(fd)
  }
}

/** Read and decode one object file. */
export function readObjectFile(path: string, what: string): unknown {
  const decoded = decodeObject(readObjectBytes(path, what))
  if (decoded === null) throw new ObjectError(`${what} is corrupt (${path}): not a whole object file`)
  return decoded.value
}

