// Store failures a user can act on: a damaged, empty, read-only or uncreatable store.
// Each names the file and what to do; the CLI reports it with exit code 2.
import {accessSync, constants, existsSync, statSync} from 'node:fs'
import {dirname} from 'node:path'
import {RaytsError} from '../core/errors.js'

export class StoreError extends RaytsError {
  override name = 'StoreError'
  override readonly code = 'RAYTS_ERR_STORE'
}

const DAMAGED = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB'])
const READ_ONLY = new Set(['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH'])

function codeOf(error: unknown): string | undefined {
  const code = (error as {code?: unknown} | null)?.code
  return typeof code === 'string' ? code : undefined
}

const elsewhere = 'or set RAYTS_HOME to another folder'

/**
 * A StoreError for `error` met while using the store in `home` (its database `file`), or
 * null when it is not a store failure. SQLite's extended codes (SQLITE_READONLY_DBMOVED…)
 * are matched by their primary code.
 */
export function storeErrorFrom(error: unknown, home: string, file: string): StoreError | null {
  if (error instanceof StoreError) return error
  const code = codeOf(error)
  if (code === undefined) return null
  const primary = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code
  const detail = `${code}: ${(error as Error).message}`
  if (DAMAGED.has(primary)) {
    return new StoreError(`the run store ${file} is damaged (${detail}). Move it aside (mv ${file} ${file}.bad) to start a new store, ${elsewhere}.`)
  }
  if (READ_ONLY.has(primary) || (primary === 'SQLITE_IOERR' && notWritable(home) !== null)) {
    return new StoreError(`the run store ${file} cannot be written (${detail}). Make ${home} writable, ${elsewhere}.`)
  }
  if (primary === 'SQLITE_FULL') return new StoreError(`the run store ${file} is on a full disk (${detail}). Free space (rayts prune), ${elsewhere}.`)
  if (primary.startsWith('SQLITE_')) return new StoreError(`the run store ${file} failed (${detail}). ${elsewhere[0]!.toUpperCase()}${elsewhere.slice(1)}.`)
  return null
}

/** Why `dir` cannot be created: the first existing ancestor, and what is wrong with it. */
export function folderError(dir: string, error: unknown): StoreError {
  let parent = dir
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent)
  const reason = statSync(parent).isDirectory() ? notWritable(parent) : 'a file, not a folder'
  const why = reason === null ? `${codeOf(error) ?? 'error'}: ${(error as Error).message}` : `${parent} is ${reason}`
  return new StoreError(`cannot create the run store folder ${dir}: ${why}. Set RAYTS_HOME to a folder you can write.`)
}

/** The empty-file case: SQLite takes a 0-byte file for a new, empty database. */
export function emptyStoreError(file: string): StoreError {
  return new StoreError(
    `the run store ${file} is empty (0 bytes): it was truncated, and the runs it held are gone. Remove it (rm ${file}) to start a new store, ${elsewhere}.`,
  )
}

/** Why `dir` refuses writes, or null when it takes them. */
function notWritable(dir: string): string | null {
  try {
    accessSync(dir, constants.W_OK)
    return null
  } catch (error) {
    return codeOf(error) === 'EROFS' ? 'on a read-only file system' : 'not writable (permission denied)'
  }
}
