// Reading an open file into a buffer of its size: readSync may return fewer bytes than asked.
import {readSync} from 'node:fs'

/** Fills `buf` from the start of `fd`; returns how many bytes came (fewer if the file shrank). */
export function readInto(fd: number, buf: Uint8Array): number {
  let at = 0
  while (at < buf.length) {
    const n = readSync(fd, buf, at, buf.length - at, at)
    if (n === 0) break
    at += n
  }
  return at
}
