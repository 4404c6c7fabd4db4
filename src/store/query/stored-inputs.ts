// The stored result of one instance as an input of another (`rayts replay`): its value with
// its objects read from the kept folder, or why it cannot be had.
import type {Store} from '../db.js'
import {loadRefs} from '../../objects/read.js'
import {keptObjectDir} from '../kept-objects.js'
import {decodeValue, runBlobDir} from '../values.js'
import {syncInstanceRows} from '../record/instance-rows.js'

export type StoredInput = {readonly ok: true; readonly value: unknown} | {readonly ok: false; readonly why: string}

export function storedInput(store: Store, runId: string, name: string): StoredInput {
  syncInstanceRows(store, runId)
  const r = store.db.prepare('SELECT state, has_value, value, value_file FROM instances WHERE run_id = ? AND name = ?').get(runId, name) as
    | {state: string; has_value: number; value: Buffer | null; value_file: string | null}
    | undefined
  if (!r) return {ok: false, why: `${name} was never made`}
  if (r.state !== 'succeeded') return {ok: false, why: `${name} ${r.state}`}
  if (Number(r.has_value) !== 1) return {ok: false, why: `the result of ${name} was not kept`}
  try {
    const value = decodeValue(r.value, r.value_file, runBlobDir(store.blobDir, runId))
    return {ok: true, value: loadRefs(value, keptObjectDir(store, runId))}
  } catch (error) {
    return {ok: false, why: `the result of ${name} cannot be read: ${(error as Error).message}`}
  }
}
