import {closeSync, fstatSync, openSync} from 'node:fs'
import {readInto} from '../../core/read-fd.js'

const MAX_GRAPH_BYTES = 8 * 1024 * 1024

export type ReadResult = {ok: true; text: string} | {ok: false; message: string; line?: number; col?: number}

/**
 * The text of a graph file, or why it cannot be one. Never reads more than the size
 * limit (so a FIFO, a device or a huge file cannot hang or exhaust memory).
 */
export function readGraphText(path: string): ReadResult {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    return {ok: false, message: fsMessage(error)}
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) return {ok: false, message: 'is a directory, not a graph file'}
    if (!st.isFile()) return {ok: false, message: 'is not a regular file'}
    if (st.size > MAX_GRAPH_BYTES) return {ok: false, message: `file is too large (${mb(st.size)}; the limit is ${mb(MAX_GRAPH_BYTES)})`}
    const buf = Buffer.alloc(st.size)
    return decode(buf.subarray(0, readInto(fd, buf)))
  } catch (error) {
    return {ok: false, message: fsMessage(error)}
  } finally {
    closeSync(fd)
  }
}

function decode(buf: Buffer): ReadResult {
  const nul = buf.indexOf(0)
  if (nul >= 0) return {ok: false, message: `binary data (a NUL byte at offset ${nul}): not a YAML text file`}
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(buf)
  } catch {
    return {ok: false, message: 'not valid UTF-8 text: not a YAML text file'}
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') return {ok: false, message: 'file is empty: a graph needs at least `version: 1` and `tasks`'}
  return {ok: true, text}
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

function fsMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: cannot read the file'
    case 'EISDIR':
      return 'is a directory, not a graph file'
    default:
      return `cannot read the file: ${error instanceof Error ? error.message : String(error)}`
  }
}
