// `rayts why RUN REF`: why an instance ran or was reused (a hit's key: cache_hits). Its key parts (cache_keys) are
// compared with those of the last earlier run of the same graph file that computed the same
// task and foreach index, and each part that differs is named.
import type {KeyParts} from '../../cache/key.js'
import {hitKeyOf} from '../cache-hits.js'
import type {Store} from '../db.js'
import {UsageError} from '../ids.js'
import {parseRef, resolveRef} from './refs.js'
import {getInstance, getRun} from './runs.js'
import {syncInstanceRows} from '../record/instance-rows.js'

export type WhyReason =
  | {readonly kind: 'reused'; readonly key: string; readonly fromRun: string | null; readonly message: string}
  | {readonly kind: 'no-cache-flag'; readonly message: string}
  | {readonly kind: 'not-cached-task'; readonly message: string}
  | {readonly kind: 'not-reached'; readonly message: string}
  | {readonly kind: 'no-entry'; readonly message: string}
  | {readonly kind: 'entry-removed'; readonly key: string; readonly message: string}
  | {readonly kind: 'module'; readonly file: string; readonly message: string}
  | {readonly kind: 'package'; readonly name: string; readonly message: string}
  | {readonly kind: 'node'; readonly message: string}
  | {readonly kind: 'export'; readonly message: string}
  | {readonly kind: 'argument'; readonly index: number; readonly message: string}
  | {readonly kind: 'option'; readonly name: string; readonly message: string}
  | {readonly kind: 'input'; readonly file: string; readonly message: string}
  | {readonly kind: 'item'; readonly message: string}
  | {readonly kind: 'key-format'; readonly message: string}

export interface WhyAnswer {
  readonly runId: string
  readonly instance: string
  readonly state: string
  /** `reused`: a cache hit; `ran`: it ran (see reasons); `not-run`: it did not get that far */
  readonly verdict: 'reused' | 'ran' | 'not-run'
  readonly key: string | null
  /** the run whose key parts it was compared with */
  readonly comparedWith: {readonly runId: string; readonly instance: string} | null
  readonly reasons: readonly WhyReason[]
}

interface KeyRow {
  readonly run_id: string
  readonly name: string
  readonly key: string
  readonly file: string
  readonly task: string
  readonly findex: number | null
  readonly parts: string
}

export function explain(store: Store, runId: string, refText: string): WhyAnswer {
  const run = getRun(store, runId)
  if (!run) throw new UsageError(`no run ${runId}`)
  const resolved = resolveRef(store, run, parseRef(refText))
  if (!resolved) throw new UsageError(`run ${runId} has not started yet`)
  if (resolved.list) throw new UsageError(`${refText} is a fanned-out task: name one instance, like ${resolved.names[0] ?? `${refText}[0]`}`)
  const name = resolved.names[0]!
  const inst = getInstance(store, runId, name)!
  const base = {runId, instance: name, state: inst.state}
  const keyed = store.db.prepare('SELECT * FROM cache_keys WHERE run_id = ? AND name = ?').get(runId, name) as KeyRow | undefined
  // a hit's key is in the run's cache_hits (a store of schema 3: a cache_keys row with no parts)
  const hit = !keyed || inst.state === 'cached' ? hitKeyOf(store, runId, name) : undefined
  const row: KeyRow | undefined = hit === undefined ? keyed : {run_id: runId, name, key: hit, file: run.file ?? '', task: inst.task, findex: inst.index, parts: ''}
  if (!row) {
    if (run.meta?.noCache) {
      return {...base, verdict: 'ran', key: null, comparedWith: null, reasons: [{kind: 'no-cache-flag', message: 'the run was started with --no-cache: the cache was neither read nor written'}]}
    }
    if (['pending', 'ready', 'skipped', 'cancelled', 'lost'].includes(inst.state)) {
      return {...base, verdict: 'not-run', key: null, comparedWith: null, reasons: [{kind: 'not-reached', message: `it did not get that far: it is ${inst.state}`}]}
    }
    return {...base, verdict: 'ran', key: null, comparedWith: null, reasons: [{kind: 'not-cached-task', message: `the task has no cache: true, so it always runs`}]}
  }
  if (inst.state === 'cached') {
    const from = store.db.prepare('SELECT from_run FROM results WHERE key = ?').pluck().get(row.key) as string | undefined
    const message = `reused the entry ${row.key.slice(0, 16)}${from ? `, computed by run ${from}` : ' (removed since)'}: every part of its key was the same`
    return {...base, verdict: 'reused', key: row.key, comparedWith: null, reasons: [{kind: 'reused', key: row.key, fromRun: from ?? null, message}]}
  }
  if (row.parts === '') {
    return {...base, verdict: 'not-run', key: row.key, comparedWith: null, reasons: [{kind: 'not-reached', message: `it was found in the cache, but did not end there: it is ${inst.state}`}]}
  }
  // the earlier runs' instance rows are read: each brought up to date first
  const earlier = store.db.prepare('SELECT DISTINCT run_id FROM cache_keys WHERE file = ? AND task = ? AND findex IS ? AND run_id < ?').pluck().all(row.file, row.task, row.findex, runId) as string[]
  for (const id of earlier) syncInstanceRows(store, id)
  const prev = store.db
    .prepare(`SELECT k.* FROM cache_keys k JOIN instances i ON i.run_id = k.run_id AND i.name = k.name
      WHERE k.file = ? AND k.task = ? AND k.findex IS ? AND k.run_id < ? AND i.state = 'succeeded'
      ORDER BY k.run_id DESC LIMIT 1`)
    .get(row.file, row.task, row.findex, runId) as KeyRow | undefined
  const verdict = ['succeeded', 'failed', 'running', 'retrying'].includes(inst.state) ? 'ran' : 'not-run'
  if (!prev) {
    return {...base, verdict, key: row.key, comparedWith: null, reasons: [{kind: 'no-entry', message: `no entry: no earlier run of ${row.file} computed ${name}`}]}
  }
  const reasons = compareParts(store, JSON.parse(prev.parts) as KeyParts, JSON.parse(row.parts) as KeyParts, name)
  if (reasons.length === 0 || (reasons.length === 1 && reasons[0]!.kind === 'item')) {
    if (prev.key === row.key) {
      reasons.unshift({kind: 'entry-removed', key: row.key, message: `no entry: run ${prev.run_id} computed the same key, but its entry is gone (rayts cache rm or clear, or the size budget)`})
    } else reasons.push({kind: 'key-format', message: 'the key is made differently since that run (another rayts version)'})
  }
  return {...base, verdict, key: row.key, comparedWith: {runId: prev.run_id, instance: prev.name}, reasons}
}

function compareParts(store: Store, before: KeyParts, now: KeyParts, name: string): WhyReason[] {
  const out: WhyReason[] = []
  if (before.item !== now.item && before.item !== undefined && now.item !== undefined) {
    out.push({kind: 'item', message: `the foreach item at the index of ${name} changed`})
  }
  if (before.module !== now.module) for (const change of moduleChanges(store, before.module, now.module)) out.push(change)
  if (before.export !== now.export) out.push({kind: 'export', message: `the export changed: ${before.export ?? '-'} → ${now.export ?? '-'}`})
  if (before.args.length !== now.args.length) {
    out.push({kind: 'argument', index: Math.min(before.args.length, now.args.length), message: `the number of arguments changed: ${before.args.length} → ${now.args.length}`})
  }
  for (let i = 0; i < Math.min(before.args.length, now.args.length); i++) {
    if (before.args[i] !== now.args[i]) out.push({kind: 'argument', index: i, message: `argument ${i} changed`})
  }
  for (const o of new Set([...Object.keys(before.options), ...Object.keys(now.options)])) {
    if (before.options[o] !== now.options[o]) out.push({kind: 'option', name: o, message: `option ${o} changed`})
  }
  const bi = before.inputs ?? {}
  const ni = now.inputs ?? {}
  for (const f of new Set([...Object.keys(bi), ...Object.keys(ni)])) {
    if (bi[f] === ni[f]) continue
    const how = bi[f] === undefined || bi[f] === '<none>' ? 'appeared' : ni[f] === undefined || ni[f] === '<none>' ? 'is gone' : 'changed'
    out.push({kind: 'input', file: f, message: `input file ${f} ${how}`})
  }
  return out
}

function moduleChanges(store: Store, before: string | undefined, now: string | undefined): WhyReason[] {
  const get = store.db.prepare('SELECT files, packages FROM cache_modules WHERE digest = ?')
  const b = before ? (get.get(before) as {files: string; packages: string} | undefined) : undefined
  const n = now ? (get.get(now) as {files: string; packages: string} | undefined) : undefined
  if (!b || !n) return [{kind: 'module', file: '', message: 'the module changed'}]
  const out: WhyReason[] = []
  const bf = JSON.parse(b.files) as Record<string, string>
  const nf = JSON.parse(n.files) as Record<string, string>
  for (const f of [...new Set([...Object.keys(bf), ...Object.keys(nf)])].sort()) {
    if (bf[f] === nf[f]) continue
    const how = bf[f] === undefined ? 'is imported now' : nf[f] === undefined ? 'is no longer imported' : 'changed'
    out.push({kind: 'module', file: f, message: `module file ${f} ${how}`})
  }
  const bp = JSON.parse(b.packages) as Record<string, string>
  const np = JSON.parse(n.packages) as Record<string, string>
  for (const p of [...new Set([...Object.keys(bp), ...Object.keys(np)])].sort()) {
    if (bp[p] !== np[p]) out.push({kind: 'package', name: p, message: `package ${p} changed: ${bp[p] ?? 'none'} → ${np[p] ?? 'none'}`})
  }
  if (out.length === 0) out.push({kind: 'node', message: "Node's major version changed"})
  return out
}
