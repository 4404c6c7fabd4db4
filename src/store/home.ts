// The store's database file in $RAYTS_HOME (core/home.ts).
import {join} from 'node:path'
import {raytsHome} from '../core/home.js'

export const DB_FILE = 'rayts.db'

/** The database file of the store in `home`. */
export function storeFile(home: string = raytsHome()): string {
  return join(home, DB_FILE)
}
