// Reading an open file into a buffer of its size: readSync may return fewer bytes than asked.
import {readSync} from 'node:fs'

/** Fills `buf` from byte `from` of `fd` (default its start); returns how many bytes came (fewer if the file ends first). */
export function readInto(fd: number, buf: Uint8Array, from = 0): number {
  let at = 0
  while (at < buf.length) {
    const n = readSync(fd, buf, at, buf.length - at, from + at)
    if (n === 0) break
    at += n
  }
  return at
}
