// Real runs for the result-cache tests: runFromCli (what `rayts run` runs) in this process,
// on real workers and the real store in this test file's $RAYTS_HOME, each test in a folder
// of its own (its own modules and graph file: its own keys).
import type {ExecutionContext} from 'ava'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {runFromCli} from '../../src/runtime/run-from-cli.js'
import {newRunId, openStore, type Store} from '../../src/store/index.js'
import {syncInstanceRows} from '../../src/store/record/instance-rows.js'

export interface Ran {
  readonly code: number
  readonly runId: string
  readonly stdout: string
  readonly stderr: string
}

export function sink(): {stream: NodeJS.WriteStream; text: () => string} {
  const s = new PassThrough()
  let text = ''
  s.on('data', (c: Buffer) => (text += c.toString()))
  return {stream: s as unknown as NodeJS.WriteStream, text: () => text}
}

export async function run(graph: string, o: {noCache?: boolean; set?: string[]; numCpus?: number} = {}): Promise<Ran> {
  const out = sink()
  const err = sink()
  const runId = newRunId()
  const code = await runFromCli({
    graphFile: graph,
    set: o.set ?? [],
    numCpus: o.numCpus ?? 2,
    resources: {},
    failFast: false,
    timeline: undefined,
    numReturns: undefined,
    timeoutSeconds: undefined,
    json: true,
    color: false,
    resume: undefined,
    runId,
    quiet: false,
    stdout: out.stream,
    stderr: err.stream,
    env: {...process.env, RAYTS_HOME_BUDGET: 'off'},
    exitNow: () => {},
    noCache: o.noCache,
  })
  return {code, runId, stdout: out.text(), stderr: err.text()}
}

/** a folder with these files written in it */
/** a graph run twice, each run checked to succeed: the second's hits against the first's work */
export async function runTwice(t: ExecutionContext, graph: string): Promise<{first: Ran; second: Ran}> {
  const first = await run(graph)
  t.is(first.code, 0, first.stderr)
  const second = await run(graph)
  t.is(second.code, 0, second.stderr)
  return {first, second}
}

export function folder(files: Record<string, string>): {dir: string; write: (name: string, text: string) => void; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), 'rayts-cache-'))
  const write = (name: string, text: string): void => writeFileSync(join(dir, name), text)
  for (const [name, text] of Object.entries(files)) write(name, text)
  return {dir, write, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

/** instance name → state, of one run */
export function states(runId: string): Record<string, string> {
  return withStore((store) => {
    syncInstanceRows(store, runId)
    const rows = store.db.prepare('SELECT name, state FROM instances WHERE run_id = ?').all(runId) as {name: string; state: string}[]
    return Object.fromEntries(rows.map((r) => [r.name, r.state]))
  })
}

export function withStore<T>(f: (store: Store) => T): T {
  const store = openStore()
  try {
    return f(store)
  } finally {
    store.close()
  }
}

/** the results printed by `run --json`, by instance, sorted */
export function results(stdout: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue
    const o = JSON.parse(line) as {type?: string; instance?: string; value?: unknown}
    if (o.type === 'result') out[String(o.instance)] = o.value
  }
  return out
}
