// Chain fusion: a chain's next link runs in the worker that holds its input. Each run here
// is made three ways, whose results, events and retries must agree: fused (the default),
// off ($RAYTS_CHAIN=0: the scheduler plans no chains) and unclaimed (the executor does not
// run chains: the scheduler takes every planned link back). Real worker processes.
import test from 'ava'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createLocalExecutor} from '../../src/executor/index.js'
import type {Executor, ExecutorSink, Job} from '../../src/executor/types.js'
import type {RunEvent} from '../../src/core/events.js'
import {alive, nameOf, type Ran, runGraph, type RunGraphOptions, workerPids} from './helpers.js'

type Mode = 'fused' | 'off' | 'unclaimed'
const MODES: readonly Mode[] = ['fused', 'off', 'unclaimed']
const MODULE = join(import.meta.dirname, 'fixtures', 'chain.mjs')

interface Chained {
  readonly head: number
  readonly links: number[]
  readonly claimed: boolean
}

/** the local executor, recording the chains it was handed */
function recording(chains: boolean, seen: Chained[]): (sink: ExecutorSink) => Executor {
  return (sink) => {
    const inner = createLocalExecutor(sink, {chains})
    return {
      submit(batch: readonly Job[]) {
        inner.submit(batch)
        for (const j of batch) if (j.kind === 'fn' && j.chain) seen.push({head: j.inst, links: j.chain.links.map((l) => l.inst), claimed: j.chain.claimed})
      },
      cancel: (inst) => inner.cancel(inst),
      close: () => inner.close(),
    }
  }
}

interface ModeRun {
  readonly ran: Ran
  readonly chains: Chained[]
  /** how many times each link ran (from the calls' log) */
  readonly calls: Map<number, number>
}

async function runIn(mode: Mode, write: (dir: string) => string, options: RunGraphOptions = {}): Promise<ModeRun> {
  const dir = mkdtempSync(join(tmpdir(), `rayts-chain-${mode}-`))
  const file = write(dir)
  const chains: Chained[] = []
  const before = process.env.RAYTS_CHAIN
  if (mode === 'off') process.env.RAYTS_CHAIN = '0'
  else delete process.env.RAYTS_CHAIN
  try {
    const ran = await runGraph(file, {...options, makeExecutor: recording(mode === 'fused', chains)})
    const calls = new Map<number, number>()
    for (const line of readFileSync(join(dir, 'calls.log'), 'utf8').split('\n')) if (line) calls.set(Number(line), (calls.get(Number(line)) ?? 0) + 1)
    return {ran, chains, calls}
  } finally {
    if (before === undefined) delete process.env.RAYTS_CHAIN
    else process.env.RAYTS_CHAIN = before
  }
}

/** a graph of chains: `chains` of `n` links each, link i of chain c fed link i-1 */
function chainGraph(n: number, o: {chains?: number; fn?: (c: number, i: number) => string; extra?: (dir: string, i: number) => string; options?: (i: number) => string; defaults?: string} = {}) {
  return (dir: string): string => {
    const log = join(dir, 'calls.log')
    writeFileSync(log, '')
    const lines = ['version: 1', `module: ${JSON.stringify(MODULE)}`, `defaults: {num_cpus: 1, ${o.defaults ?? 'max_retries: 0'}}`, 'tasks:']
    for (let c = 0; c < (o.chains ?? 1); c++) {
      for (let i = 0; i < n; i++) {
        const input = i === 0 ? '[]' : `!ref c${c}_${i - 1}`
        const fn = o.fn?.(c, i) ?? 'step'
        const extra = o.extra ? `, ${o.extra(dir, i)}` : ''
        lines.push(`  c${c}_${i}: {fn: ${fn}, args: [${input}, ${c * 1000 + i}, ${JSON.stringify(log)}${extra}]${o.options?.(i) ?? ''}}`)
      }
    }
    const file = join(dir, 'chain.yaml')
    writeFileSync(file, `${lines.join('\n')}\n`)
    return file
  }
}

/** each instance's own events, in order: type and attempt (times and pids left out) */
function perInstance(ran: Ran): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const e of ran.events) {
    if (!('inst' in e) || e.type === 'log') continue
    const name = nameOf(ran.names, e.inst)
    const attempt = 'attempt' in e ? `#${e.attempt}` : ''
    ;(out[name] ??= []).push(`${e.type}${attempt}`)
  }
  return out
}

function sorted<K, V>(m: ReadonlyMap<K, V>): [K, V][] {
  return [...m].sort(([a], [b]) => String(a).localeCompare(String(b)))
}

function linksRun(r: ModeRun): number {
  return r.chains.filter((c) => c.claimed).reduce((n, c) => n + c.links.length, 0)
}

test.serial('two chains of 60 links: the same values, events and calls fused, off and unclaimed; fused runs links in chains', async (t) => {
  const runs = new Map<Mode, ModeRun>()
  for (const mode of MODES) runs.set(mode, await runIn(mode, chainGraph(60, {chains: 2})))
  const fused = runs.get('fused')!
  t.is(fused.ran.summary.state, 'succeeded')
  t.deepEqual(fused.ran.values.get('c0_59'), Array.from({length: 60}, (_, i) => i))
  t.deepEqual(fused.ran.values.get('c1_59'), Array.from({length: 60}, (_, i) => 1000 + i))
  t.true(linksRun(fused) >= 20, `links run in chains: ${linksRun(fused)}`)
  t.is(runs.get('off')!.chains.length, 0)
  const unclaimed = runs.get('unclaimed')!
  t.true(unclaimed.chains.length > 0 && unclaimed.chains.every((c) => !c.claimed))
  for (const mode of ['off', 'unclaimed'] as const) {
    const other = runs.get(mode)!
    t.deepEqual(sorted(other.ran.values), sorted(fused.ran.values), mode)
    t.deepEqual(perInstance(other.ran), perInstance(fused.ran), mode)
    t.deepEqual(sorted(other.calls), sorted(fused.calls), mode)
  }
  for (const r of runs.values()) t.deepEqual(alive(workerPids(r.ran.events)), [])
})

test.serial('a link that fails once in the middle of a fused chain is retried alone: earlier links not rerun, later ones run once', async (t) => {
  const FAIL = 40
  const graph = chainGraph(60, {
    extra: (dir, i) => (i === FAIL ? JSON.stringify(join(dir, 'mark')) : 'null'),
    defaults: 'max_retries: 1, retry_exceptions: true',
  })
  const runs = new Map<Mode, ModeRun>()
  for (const mode of MODES) runs.set(mode, await runIn(mode, graph, {}))
  const fused = runs.get('fused')!
  t.is(fused.ran.summary.state, 'succeeded')
  t.deepEqual(fused.ran.values.get('c0_59'), Array.from({length: 60}, (_, i) => i))
  // the failing link was handed out inside a chain, with links after it
  t.true(
    fused.chains.some((c) => c.claimed && c.links.slice(0, -1).includes(FAIL)),
    JSON.stringify(fused.chains.map((c) => [c.head, c.links.length])),
  )
  for (const r of runs.values()) {
    for (let i = 0; i < 60; i++) t.is(r.calls.get(i), i === FAIL ? 2 : 1, `link ${i}`)
    const failed = r.ran.events.filter((e): e is Extract<RunEvent, {type: 'attempt-failed'}> => e.type === 'attempt-failed')
    t.deepEqual(
      failed.map((e) => [r.ran.names[e.inst], e.attempt]),
      [[`c0_${FAIL}`, 1]],
    )
  }
  for (const mode of ['off', 'unclaimed'] as const) {
    t.deepEqual(perInstance(runs.get(mode)!.ran), perInstance(fused.ran), mode)
    t.deepEqual(sorted(runs.get(mode)!.ran.values), sorted(fused.ran.values), mode)
  }
  t.deepEqual(perInstance(fused.ran)[`c0_${FAIL}`], ['ready', 'start#1', 'attempt-failed#1', 'ready', 'start#2', 'succeeded#2'])
  for (const r of runs.values()) t.deepEqual(alive(workerPids(r.ran.events)), [])
})

test.serial('max_calls cuts a fused chain: workers retire after 8 calls, every link runs once, the same results', async (t) => {
  const graph = chainGraph(40, {defaults: 'max_retries: 0, max_calls: 8'})
  const runs = new Map<Mode, ModeRun>()
  for (const mode of MODES) runs.set(mode, await runIn(mode, graph))
  const fused = runs.get('fused')!
  t.is(fused.ran.summary.state, 'succeeded')
  t.true(linksRun(fused) >= 10, `links run in chains: ${linksRun(fused)}`)
  t.deepEqual(fused.ran.values.get('c0_39'), Array.from({length: 40}, (_, i) => i))
  for (const r of runs.values()) {
    t.deepEqual(sorted(r.ran.values), sorted(fused.ran.values))
    t.deepEqual(perInstance(r.ran), perInstance(fused.ran))
    for (let i = 0; i < 40; i++) t.is(r.calls.get(i), 1, `link ${i}`)
    const exits = r.ran.events.filter((e): e is Extract<RunEvent, {type: 'worker-exit'}> => e.type === 'worker-exit')
    t.true(exits.filter((e) => e.reason === 'max_calls').length >= 5, exits.map((e) => `${e.reason}:${e.calls}`).join(' '))
    for (const e of exits) t.true(e.calls <= 8, `worker ${e.pid} ran ${e.calls} calls`)
    t.deepEqual(alive(workerPids(r.ran.events)), [])
  }
})

test.serial('a cancel in the middle of a fused chain: links before it succeed, the rest are cancelled, no worker is left', async (t) => {
  const HANG = 45
  const graph = chainGraph(60, {fn: () => 'hangAt', extra: () => String(HANG)})
  const runs = new Map<Mode, ModeRun>()
  const cancelWhen = (events: readonly RunEvent[]): boolean => events.some((e) => e.type === 'succeeded' && e.inst === HANG - 1)
  for (const mode of MODES) runs.set(mode, await runIn(mode, graph, {cancelWhen}))
  const fused = runs.get('fused')!
  t.true(fused.chains.some((c) => c.claimed && c.links.includes(HANG)), 'the hanging link was in a claimed chain')
  // the worker goes on to the hanging link as the link before it is reported; the cancel
  // that report triggers can kill the worker before that call writes its line (seen once
  // in a full suite): it ran at most once, as in every mode below
  for (const r of runs.values()) {
    t.is(r.ran.summary.state, 'cancelled')
    for (let i = 0; i < 60; i++) t.is(r.ran.outcome.get(`c0_${i}`), i < HANG ? 'succeeded' : 'cancelled', `link ${i}`)
    for (let i = 0; i < HANG; i++) t.is(r.calls.get(i), 1, `link ${i}`)
    t.true((r.calls.get(HANG) ?? 0) <= 1) // the cancel may come before the next dispatch
    for (let i = HANG + 1; i < 60; i++) t.is(r.calls.get(i), undefined, `link ${i}`)
    t.deepEqual(alive(workerPids(r.ran.events)), [])
  }
})

test.serial('a link with a timeout runs alone after a fused chain and times out: its dependents are skipped, the links before it keep their results', async (t) => {
  const HANG = 30
  const graph = chainGraph(40, {fn: () => 'hangAt', extra: () => String(HANG), options: (i) => (i === HANG ? ', timeout: 3' : '')})
  const runs = new Map<Mode, ModeRun>()
  for (const mode of MODES) runs.set(mode, await runIn(mode, graph))
  const fused = runs.get('fused')!
  t.true(linksRun(fused) >= 10, `links run in chains: ${linksRun(fused)}`)
  t.false(fused.chains.some((c) => c.links.includes(HANG)), 'a link with a timeout is not chained')
  for (const [mode, r] of runs) {
    t.is(r.ran.summary.state, 'failed', mode)
    t.is(r.ran.summary.firstError?.error.kind, 'timeout', mode)
    for (let i = 0; i < 40; i++) t.is(r.ran.outcome.get(`c0_${i}`), i < HANG ? 'succeeded' : i === HANG ? 'failed' : 'skipped', `${mode} link ${i}`)
    for (let i = 0; i <= HANG; i++) t.is(r.calls.get(i), 1, `${mode} link ${i}`)
    t.deepEqual(perInstance(r.ran), perInstance(fused.ran), mode)
    t.deepEqual(alive(workerPids(r.ran.events)), [])
  }
})
