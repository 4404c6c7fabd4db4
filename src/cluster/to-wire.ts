// A scheduler job as it travels: paths inside the code folder made relative (the worker
// resolves them in its unpacked copy), arguments as v8 bytes.
import {isAbsolute, relative} from 'node:path'
import type {Job} from '../executor/types.js'
import {encodeValue, type EncodedValue, type WireJob, type WirePath} from './wire.js'

export function wirePath(root: string, path: string): WirePath {
  const rel = relative(root, path)
  if (rel === '' ) return {rel: '.'}
  if (rel.startsWith('..') || isAbsolute(rel)) return {abs: path}
  return {rel}
}

export function toWire(root: string, job: Job, stores: NonNullable<EncodedValue['store']>[]): WireJob {
  const base = {inst: job.inst, attempt: job.attempt, name: job.name, timeout: job.timeout, env: job.env, cwd: wirePath(root, job.cwd)}
  if (job.kind === 'cmd') return {...base, kind: 'cmd', command: job.command, stdin: job.stdin, output: job.output}
  const args = encodeValue(job.args)
  if (args.store) stores.push(args.store)
  return {
    ...base,
    kind: 'fn',
    module: wirePath(root, job.module),
    export: job.export,
    args: args.wire,
    numReturns: job.numReturns,
    maxCalls: job.maxCalls,
  }
}
