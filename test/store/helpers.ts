// Test helpers: a fresh $RAYTS_HOME, and a synthetic run that emits events like the runtime.
import Database from 'better-sqlite3'
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EventStream, type InstanceInfo, type RunEvent, type TaskFailure} from '../../src/core/events.js'
import {nowMicros} from '../../src/core/clock.js'
import {dropHotFolders} from '../setup/hot-folders.js'
import {DB_FILE, openStore, type RunMeta, type Store} from '../../src/store/index.js'

export function tempHome(): {home: string; cleanup: () => void} {
  const base = mkdtempSync(join(tmpdir(), 'rayts-store-'))
  const home = join(base, 'home')
  return {
    home,
    cleanup: () => {
      dropHotFolders(home)
      rmSync(base, {recursive: true, force: true})
    },
  }
}

/**
 * A store as an older rayts left it: `fixture` (an SQL dump under test/store/fixtures,
 * checked to be of schema `version`) loaded into a fresh home, then opened by this rayts;
 * closed and removed when the test ends.
 */
export function storeFromFixture(t: {teardown(f: () => void): void; is(a: unknown, b: unknown): void}, fixture: string, version: number): Store {
  const {home, cleanup} = tempHome()
  t.teardown(cleanup)
  mkdirSync(home, {recursive: true, mode: 0o700})
  const old = new Database(join(home, DB_FILE))
  old.exec(readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8'))
  t.is(old.pragma('user_version', {simple: true}), version)
  old.close()
  const store = openStore(home)
  t.teardown(() => store.close())
  return store
}

/** a store in a fresh home, closed and removed when the test ends */
export function storeIn(t: {teardown(f: () => void): void}): Store {
  const {home, cleanup} = tempHome()
  const store = openStore(home)
  t.teardown(() => {
    store.close()
    cleanup()
  })
  return store
}

export const META: RunMeta = {graphFile: '/tmp/g.yaml', set: ['defaults.max_retries=0'], numCpus: 2, resources: {gpu: 1}, failFast: false}

/** Instances: `spec` maps task → null (one instance) or n (fanned out, n instances). */
export function instancesOf(spec: Record<string, number | null>): InstanceInfo[] {
  const out: InstanceInfo[] = []
  for (const [task, n] of Object.entries(spec)) {
    if (n === null) out.push({idx: out.length, name: task, task, index: null})
    else for (let i = 0; i < n; i++) out.push({idx: out.length, name: `${task}[${i}]`, task, index: i})
  }
  return out
}

export class SyntheticRun {
  readonly events = new EventStream()
  readonly byName = new Map<string, number>()
  constructor(
    readonly runId: string,
    readonly instances: InstanceInfo[],
    readonly outputs: string[],
  ) {
    for (const i of instances) this.byName.set(i.name, i.idx)
  }
  idx(name: string): number {
    const i = this.byName.get(name)
    if (i === undefined) throw new Error(`no instance ${name}`)
    return i
  }
  /** instances added while the run runs (a library call, a dynamic fan-out), one task each */
  add(...names: string[]): void {
    const added: InstanceInfo[] = names.map((name, k) => ({idx: this.byName.size + k, name, task: name, index: null}))
    for (const i of added) this.byName.set(i.name, i.idx)
    this.emit({type: 'added', t: nowMicros(), tasks: names, instances: added})
  }
  emit(e: RunEvent): void {
    this.events.emit(e)
  }
  start(): void {
    this.emit({type: 'run-start', t: nowMicros(), wallMs: Date.now(), runId: this.runId, graph: 'g', file: '/tmp/g.yaml', capacity: {cpu: 2}, instances: this.instances, outputs: this.outputs})
  }
  succeed(name: string, value: unknown, attempt = 1, pid: number | null = 4242): void {
    const inst = this.idx(name)
    const t = nowMicros()
    this.emit({type: 'ready', t, inst})
    this.emit({type: 'start', t, inst, attempt, pid})
    this.emit({type: 'succeeded', t: nowMicros(), inst, attempt, pid, startedAt: t, value})
  }
  fail(name: string, error: TaskFailure, attempt = 1): void {
    const inst = this.idx(name)
    const t = nowMicros()
    this.emit({type: 'start', t, inst, attempt, pid: 4242})
    this.emit({type: 'attempt-failed', t, inst, attempt, pid: 4242, startedAt: t, error, retryAt: null})
    this.emit({type: 'failed', t, inst, error})
  }
  end(state: 'succeeded' | 'failed' | 'cancelled' = 'succeeded'): void {
    this.emit({type: 'run-end', t: nowMicros(), state})
  }
}
