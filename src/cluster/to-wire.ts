// A scheduler job as it travels: paths inside the code folder made relative (the worker
// resolves them in its unpacked copy), arguments as v8 bytes.
import {isAbsolute, relative} from 'node:path'
import type {Job} from '../executor/types.js'
import {encodeValue, type EncodedValue, type WireJob, type WirePath, type WireValue} from './wire.js'

function wirePath(root: string, path: string): WirePath {
  const rel = relative(root, path)
  if (rel === '' ) return {rel: '.'}
  if (rel.startsWith('..') || isAbsolute(rel)) return {abs: path}
  return {rel}
}

/** wirePath, remembered (a batch's jobs share their module and cwd) */
export class WirePaths {
  private readonly cache = new Map<string, WirePath>()
  constructor(private readonly root: string) {}
  of(path: string): WirePath {
    let p = this.cache.get(path)
    if (!p) this.cache.set(path, (p = wirePath(this.root, path)))
    return p
  }
}

/**
 * A job as it travels. `stores` null: arguments as themselves (the caller serializes the
 * whole batch and checks its size); else as their own v8 bytes, big ones pushed to stores.
 */
export function toWire(paths: WirePaths, job: Job, stores: NonNullable<EncodedValue['store']>[] | null): WireJob {
  // object literals spelled out: a spread costs microseconds per job (see scheduler/jobs.ts)
  const cwd = paths.of(job.cwd)
  if (job.kind === 'cmd') {
    return {kind: 'cmd', inst: job.inst, attempt: job.attempt, name: job.name, timeout: job.timeout, env: job.env, cwd, command: job.command, stdin: job.stdin, output: job.output}
  }
  let args: WireValue
  if (stores === null) args = {raw: job.args}
  else {
    const e = encodeValue(job.args)
    if (e.store) stores.push(e.store)
    args = e.wire
  }
  return {
    kind: 'fn',
    inst: job.inst,
    attempt: job.attempt,
    name: job.name,
    timeout: job.timeout,
    env: job.env,
    cwd,
    module: paths.of(job.module),
    export: job.export,
    args,
    numReturns: job.numReturns,
    maxCalls: job.maxCalls,
  }
}
