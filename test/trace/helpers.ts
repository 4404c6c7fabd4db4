// Assertions every timeline must pass, for synthetic and real runs alike.
import type {ExecutionContext} from 'ava'
import type {RunEvent} from '../../src/core/events.js'
import {type ChromeTrace, type CompleteEvent, type FlowEvent, type InstantEvent, SCHEDULING_CATS} from '../../src/trace/index.js'
import {PHASE_CAT} from '../../src/trace/types.js'
import {validateTrace} from './validate-trace.js'

/** X events but the phases nested in attempts (phaseSpans) */
export const spans = (trace: ChromeTrace): CompleteEvent[] => trace.traceEvents.filter((e): e is CompleteEvent => e.ph === 'X' && e.cat !== PHASE_CAT)
export const phaseSpans = (trace: ChromeTrace): CompleteEvent[] => trace.traceEvents.filter((e): e is CompleteEvent => e.ph === 'X' && e.cat === PHASE_CAT)
export const attemptSpans = (trace: ChromeTrace): CompleteEvent[] => spans(trace).filter((e) => !SCHEDULING_CATS.includes(e.cat))
export const instants = (trace: ChromeTrace): InstantEvent[] => trace.traceEvents.filter((e): e is InstantEvent => e.ph === 'i')
export const flowEvents = (trace: ChromeTrace): FlowEvent[] => trace.traceEvents.filter((e): e is FlowEvent => e.ph === 's' || e.ph === 'f')

export function threadNames(trace: ChromeTrace): Map<number, string> {
  const names = new Map<number, string>()
  for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name' && 'name' in e.args) names.set(e.tid, e.args.name)
  return names
}

/** pairs of X events on one thread that overlap (zero-length spans overlap nothing) */
export function overlaps(trace: ChromeTrace): string[] {
  const byTid = new Map<number, CompleteEvent[]>()
  for (const s of spans(trace)) byTid.set(s.tid, [...(byTid.get(s.tid) ?? []), s])
  const out: string[] = []
  for (const [tid, list] of byTid) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts)
    let prev: CompleteEvent | undefined
    for (const s of sorted) {
      if (prev && s.ts < prev.ts + prev.dur && s.dur > 0) out.push(`tid ${tid}: ${prev.name} [${prev.ts}+${prev.dur}] overlaps ${s.name} [${s.ts}+${s.dur}]`)
      if (!prev || s.ts + s.dur >= prev.ts + prev.dur) prev = s
    }
  }
  return out
}

const key = (instance: unknown, attempt: unknown): string => `${String(instance)}#${String(attempt)}`

/** The checks of issue 6, on any run's events and its trace. */
export function checkTrace(t: ExecutionContext, events: readonly RunEvent[], trace: ChromeTrace): void {
  t.deepEqual(validateTrace(trace), [], 'valid per the Trace Event Format')
  t.deepEqual(overlaps(trace), [], 'spans on one thread never overlap')
  const attempts = spans(trace)
  const loose = phaseSpans(trace).filter((p) => !attempts.some((a) => a.tid === p.tid && a.ts <= p.ts && p.ts + p.dur <= a.ts + a.dur))
  t.deepEqual(loose, [], 'every phase lies inside an attempt span of its thread')
  t.true(JSON.parse(JSON.stringify(trace)) !== null)

  const head = events.find((e) => e.type === 'run-start')
  if (head?.type !== 'run-start') throw new Error('no run-start')
  const names = new Map<number, string>()
  for (const i of head.instances) names.set(i.idx, i.name)
  for (const e of events) if (e.type === 'expanded') for (const i of e.instances) names.set(i.idx, i.name)

  // one span per attempt
  const ended = events.filter((e) => e.type === 'succeeded' || e.type === 'attempt-failed')
  const want = ended.map((e) => key(names.get(e.inst), e.attempt)).sort()
  const got = attemptSpans(trace).map((s) => key(s.args['instance'], s.args['attempt'])).sort()
  t.deepEqual(got, want, 'one span per attempt')
  for (const s of attemptSpans(trace)) t.is(s.name, String(s.args['instance']))

  // every retry, crash and timeout shows as an instant
  const marks = instants(trace)
  const spanOf = new Map(attemptSpans(trace).map((s) => [key(s.args['instance'], s.args['attempt']), s]))
  for (const e of events) {
    if (e.type !== 'attempt-failed') continue
    const name = names.get(e.inst)!
    if (e.retryAt !== null) {
      t.true(
        marks.some((m) => m.cat === 'retry' && m.args?.['instance'] === name && m.args['attempt'] === e.attempt),
        `retry instant for ${name} attempt ${e.attempt}`,
      )
    }
    if (e.error.kind === 'crash' || e.error.kind === 'timeout') {
      const span = spanOf.get(key(name, e.attempt))!
      t.true(
        marks.some((m) => m.cat === e.error.kind && m.args?.['instance'] === name && m.args['attempt'] === e.attempt && m.tid === span.tid),
        `${e.error.kind} instant for ${name} attempt ${e.attempt} on its thread`,
      )
    }
  }
  const workerStarts = events.filter((e) => e.type === 'worker-start').length
  t.is(marks.filter((m) => m.name === 'worker start').length, workerStarts, 'an instant per worker start')
  const recycles = events.filter((e) => e.type === 'worker-exit' && e.reason === 'max_calls').length
  t.is(marks.filter((m) => m.name === 'worker recycled (max_calls)').length, recycles, 'an instant per max_calls recycle')

  // flows: from the producer's end to the consumer's start, each end inside its slice
  const flows = flowEvents(trace)
  const byId = new Map<number, FlowEvent[]>()
  for (const f of flows) byId.set(f.id, [...(byId.get(f.id) ?? []), f])
  const all = attemptSpans(trace)
  for (const [id, pair] of byId) {
    const s = pair.find((f) => f.ph === 's')!
    const f = pair.find((f) => f.ph === 'f')!
    t.is(f.bp, 'e')
    const producer = all.find((x) => x.tid === s.tid && s.ts >= x.ts && s.ts <= x.ts + x.dur && x.ts + x.dur - s.ts <= 1)
    const consumer = all.find((x) => x.tid === f.tid && f.ts >= x.ts && f.ts <= x.ts + x.dur && f.ts - x.ts <= 1)
    t.truthy(producer, `flow ${id} starts at the end of a span`)
    t.truthy(consumer, `flow ${id} ends at the start of a span`)
    t.true(s.ts <= f.ts, `flow ${id} goes forward in time`)
  }
}

/** the flows as `producer -> consumer` instance names */
export function flowEdges(trace: ChromeTrace): string[] {
  const all = attemptSpans(trace)
  const at = (f: FlowEvent, end: boolean) =>
    all.find((x) => x.tid === f.tid && f.ts >= x.ts && f.ts <= x.ts + x.dur && (end ? x.ts + x.dur - f.ts <= 1 : f.ts - x.ts <= 1))?.name
  const flows = flowEvents(trace)
  return flows
    .filter((f) => f.ph === 's')
    .map((s) => `${at(s, true)} -> ${at(flows.find((f) => f.ph === 'f' && f.id === s.id)!, false)}`)
    .sort()
}
